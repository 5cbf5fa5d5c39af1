using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Chronos.Persona.Model;

/// <summary>
/// Reads a persona file and checks it. Any input gives either a valid <see cref="Persona"/> or a
/// <see cref="PersonaException"/> naming every problem: unknown or mistyped fields (with the YAML
/// position), missing fields, duplicate names or ids, relative homes, malformed hashes, a banner
/// the Gateway cannot speak. Validation collects all problems before throwing so an operator
/// fixes a persona in one pass.
/// </summary>
public static partial class PersonaLoader
{
    // Persona files are small; a bound keeps a hostile or broken file from costing memory.
    private const int MaxLength = 1 << 20;

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    public static Persona Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxLength)
        {
            throw new PersonaException(source, [$"file is {yaml.Length} characters; the limit is {MaxLength}"]);
        }
        Persona? persona;
        try
        {
            persona = Deserializer.Deserialize<Persona?>(yaml);
        }
        catch (YamlException e)
        {
            throw new PersonaException(source, $"YAML at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or InvalidCastException or NotSupportedException)
        {
            // YamlDotNet reports a few type mismatches with framework exceptions rather than YamlException.
            throw new PersonaException(source, $"YAML does not describe a persona: {e.Message}", e);
        }
        if (persona is null)
        {
            throw new PersonaException(source, ["file is empty"]);
        }
        var problems = Validate(persona);
        return problems.Count == 0 ? persona : throw new PersonaException(source, problems);
    }

    public static Persona Load(string path) => Parse(File.ReadAllText(path), path);

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>Every problem with the persona, in file order; empty when it is usable.</summary>
    public static List<string> Validate(Persona p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<string>();
        void Require(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"missing field {field}");
            }
        }

        Require(p.Name, "name");
        if (!string.IsNullOrEmpty(p.Name) && !NameToken().IsMatch(p.Name))
        {
            problems.Add($"name '{p.Name}' must be lowercase letters, digits, '.', '-'");
        }
        Require(p.Seed, "seed");
        if (!string.IsNullOrEmpty(p.Seed) && !SeedToken().IsMatch(p.Seed))
        {
            problems.Add($"seed '{p.Seed}' must be 16 hex digits");
        }
        Require(p.Hostname, "hostname");
        if (!string.IsNullOrEmpty(p.Hostname) && !HostLabel().IsMatch(p.Hostname))
        {
            problems.Add($"hostname '{p.Hostname}' is not a DNS label");
        }
        Require(p.Domain, "domain");
        Require(p.TimeZone, "timeZone");
        if (!string.IsNullOrEmpty(p.TimeZone) && !TimeZoneToken().IsMatch(p.TimeZone))
        {
            problems.Add($"timeZone '{p.TimeZone}' is not an IANA zone name");
        }
        Require(p.InstalledAt, "installedAt");
        if (!string.IsNullOrEmpty(p.InstalledAt) && !DateTimeOffset.TryParse(p.InstalledAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            problems.Add($"installedAt '{p.InstalledAt}' is not a date and time");
        }
        Require(p.Uptime, "uptime");
        if (!string.IsNullOrEmpty(p.Uptime) && (!TimeSpan.TryParse(p.Uptime, CultureInfo.InvariantCulture, out var uptime) || uptime <= TimeSpan.Zero || uptime > TimeSpan.FromDays(3650)))
        {
            problems.Add($"uptime '{p.Uptime}' must be d.hh:mm:ss, positive, under ten years");
        }

        ValidateOs(p, Require, problems);
        ValidateAccounts(p, problems);
        ValidateNetwork(p, problems);
        ValidateServices(p, problems);
        ValidatePackages(p, problems);
        return problems;
    }

    private static void ValidateOs(Persona p, Action<string?, string> require, List<string> problems)
    {
        if (p.Os is null || p.Kernel is null || p.Ssh is null)
        {
            problems.Add("missing section os, kernel or ssh");
            return;
        }
        require(p.Os.Id, "os.id");
        require(p.Os.Name, "os.name");
        require(p.Os.PrettyName, "os.prettyName");
        require(p.Os.VersionId, "os.versionId");
        require(p.Os.VersionCodename, "os.versionCodename");
        require(p.Os.DebianVersion, "os.debianVersion");
        require(p.Kernel.Release, "kernel.release");
        require(p.Kernel.Version, "kernel.version");
        require(p.Kernel.Builder, "kernel.builder");
        require(p.Kernel.Compiler, "kernel.compiler");
        require(p.Ssh.Banner, "ssh.banner");
        if (string.IsNullOrEmpty(p.Ssh.Banner))
        {
            return;
        }
        var profile = SshWireProfiles.ProfileOf(p.Ssh.Banner);
        if (profile is null)
        {
            problems.Add($"ssh.banner '{p.Ssh.Banner}' is not one the Gateway can speak (Debian 12 OpenSSH 9.2p1, Ubuntu 22.04 OpenSSH 8.9p1, Ubuntu 24.04 OpenSSH 9.6p1)");
            return;
        }
        if (p.Ssh.WireProfile != profile)
        {
            problems.Add($"ssh.wireProfile '{p.Ssh.WireProfile}' does not match the banner (expected {profile})");
        }
        var (id, versionId) = SshWireProfiles.ReleaseOf(profile);
        if (p.Os.Id != id || p.Os.VersionId != versionId)
        {
            problems.Add($"os {p.Os.Id} {p.Os.VersionId} contradicts the SSH banner ({id} {versionId})");
        }
        if (p.Ssh.Port is <= 0 or > 65535)
        {
            problems.Add($"ssh.port {p.Ssh.Port} out of range");
        }
    }

    private static void ValidateAccounts(Persona p, List<string> problems)
    {
        if (p.Users is null || p.Groups is null || p.Users.Count == 0)
        {
            problems.Add("missing field users");
            return;
        }
        var groupIds = new Dictionary<uint, string>();
        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in p.Groups)
        {
            if (g is null || string.IsNullOrEmpty(g.Name) || !AccountName().IsMatch(g.Name))
            {
                problems.Add($"group '{g?.Name}' has a missing or invalid name");
                continue;
            }
            if (!groupNames.Add(g.Name))
            {
                problems.Add($"duplicate group name {g.Name}");
            }
            if (!groupIds.TryAdd(g.Gid, g.Name))
            {
                problems.Add($"duplicate gid {g.Gid} ({groupIds[g.Gid]}, {g.Name})");
            }
        }
        var uids = new Dictionary<uint, string>();
        var userNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in p.Users)
        {
            if (u is null || string.IsNullOrEmpty(u.Name) || !AccountName().IsMatch(u.Name))
            {
                problems.Add($"user '{u?.Name}' has a missing or invalid name");
                continue;
            }
            if (!userNames.Add(u.Name))
            {
                problems.Add($"duplicate user name {u.Name}");
            }
            if (!uids.TryAdd(u.Uid, u.Name))
            {
                problems.Add($"duplicate uid {u.Uid} ({uids[u.Uid]}, {u.Name})");
            }
            if (!groupIds.ContainsKey(u.Gid))
            {
                problems.Add($"user {u.Name}: primary gid {u.Gid} is not a group");
            }
            if (!IsAbsoluteClean(u.Home))
            {
                problems.Add($"user {u.Name}: home '{u.Home}' is not an absolute path inside /");
            }
            if (!IsAbsoluteClean(u.Shell))
            {
                problems.Add($"user {u.Name}: shell '{u.Shell}' is not an absolute path");
            }
            if (u.Gecos is null || u.Gecos.Contains(':', StringComparison.Ordinal) || u.Gecos.Contains('\n', StringComparison.Ordinal))
            {
                problems.Add($"user {u.Name}: gecos may not contain ':' or a newline");
            }
            if (!IsShadowHash(u.Hash))
            {
                problems.Add($"user {u.Name}: hash '{u.Hash}' is not a $6$ (SHA-512) or $y$ (yescrypt) crypt hash, '*' or '!'");
            }
            if (u.Password is not null && !(u.Hash ?? "").StartsWith('$'))
            {
                problems.Add($"user {u.Name}: a password is listed but the hash does not accept one");
            }
            if (u.AuthorizedKeys is null)
            {
                problems.Add($"user {u.Name}: authorizedKeys must be a list");
            }
        }
        if (!userNames.Contains("root") || p.Users.FirstOrDefault(u => u?.Name == "root")?.Uid != 0)
        {
            problems.Add("user root with uid 0 is missing");
        }
        foreach (var g in p.Groups)
        {
            foreach (var member in g?.Members ?? [])
            {
                if (!userNames.Contains(member))
                {
                    problems.Add($"group {g!.Name}: member {member} is not a user");
                }
            }
        }
        foreach (var job in p.Cron ?? [])
        {
            if (job is null || !userNames.Contains(job.User ?? ""))
            {
                problems.Add($"cron job for unknown user '{job?.User}'");
            }
            else if (!CronSchedule().IsMatch(job.Schedule ?? ""))
            {
                problems.Add($"cron job '{job.Command}': schedule '{job.Schedule}' is not five fields or an @keyword");
            }
            else if (string.IsNullOrWhiteSpace(job.Command) || job.Command.Contains('\n', StringComparison.Ordinal))
            {
                problems.Add("cron job with an empty or multi-line command");
            }
            else if (job.File is not null && !CronFileName().IsMatch(job.File))
            {
                problems.Add($"cron file name '{job.File}' would be ignored by cron (letters, digits, '_' and '-' only)");
            }
        }
        foreach (var lazy in p.Lazy ?? [])
        {
            if (lazy is null || !IsAbsoluteClean(lazy.Path) || lazy.Path == "/")
            {
                problems.Add($"lazy directory '{lazy?.Path}' is not an absolute path below /");
            }
            else if (lazy.Kind is not ("uploads" or "projects" or "backups"))
            {
                problems.Add($"lazy directory {lazy.Path}: kind '{lazy.Kind}' is not uploads, projects or backups");
            }
            else if (!userNames.Contains(lazy.Owner ?? ""))
            {
                problems.Add($"lazy directory {lazy.Path}: owner '{lazy.Owner}' is not a user");
            }
        }
        foreach (var site in p.Sites ?? [])
        {
            if (site is null || string.IsNullOrEmpty(site.ServerName) || !IsAbsoluteClean(site.Root) || site.Kind is not ("wordpress" or "static"))
            {
                problems.Add($"site '{site?.ServerName}' needs serverName, an absolute root and kind wordpress or static");
            }
            else if (!userNames.Contains(site.Owner ?? ""))
            {
                problems.Add($"site {site.ServerName}: owner '{site.Owner}' is not a user");
            }
        }
    }

    private static void ValidateNetwork(Persona p, List<string> problems)
    {
        if (p.Network?.Interfaces is not { Count: > 0 })
        {
            problems.Add("missing field network.interfaces");
            return;
        }
        foreach (var nic in p.Network.Interfaces)
        {
            if (nic is null || string.IsNullOrEmpty(nic.Name) || !MacAddress().IsMatch(nic.Mac ?? ""))
            {
                problems.Add($"interface '{nic?.Name}' needs a name and a MAC aa:bb:cc:dd:ee:ff");
                continue;
            }
            foreach (var address in nic.Addresses ?? [])
            {
                if (!IPNetwork.TryParse(address, out _) || !address.Contains('/', StringComparison.Ordinal))
                {
                    problems.Add($"interface {nic.Name}: address '{address}' is not CIDR");
                }
            }
            if (nic.Gateway is not null && !IPAddress.TryParse(nic.Gateway, out _))
            {
                problems.Add($"interface {nic.Name}: gateway '{nic.Gateway}' is not an address");
            }
        }
        foreach (var ns in p.Network.Nameservers ?? [])
        {
            if (!IPAddress.TryParse(ns, out _))
            {
                problems.Add($"nameserver '{ns}' is not an address");
            }
        }
        foreach (var peer in p.Network.Peers ?? [])
        {
            if (peer is null || !IPAddress.TryParse(peer.Address, out _) || peer.Names is not { Count: > 0 })
            {
                problems.Add($"peer '{peer?.Address}' needs an address and names");
            }
        }
    }

    private static void ValidateServices(Persona p, List<string> problems)
    {
        foreach (var s in p.Services ?? [])
        {
            if (s is null || s.Kind is not ("sshd" or "cron" or "rsyslog" or "nginx" or "php-fpm" or "mysql" or "postgresql" or "docker" or "gitlab-runner"))
            {
                problems.Add($"service '{s?.Name}': unknown kind '{s?.Kind}'");
            }
            else if (s.User is not null && !(p.Users ?? []).Any(u => u?.Name == s.User))
            {
                problems.Add($"service {s.Name}: user '{s.User}' is not a user");
            }
        }
        foreach (var db in p.Databases ?? [])
        {
            if (db is null || db.Engine is not ("mysql" or "postgresql") || string.IsNullOrEmpty(db.Name) || string.IsNullOrEmpty(db.Owner))
            {
                problems.Add($"database '{db?.Name}' needs engine mysql or postgresql, a name and an owner");
            }
            else if (!p.HasService(db.Engine))
            {
                problems.Add($"database {db.Name}: no {db.Engine} service runs it");
            }
        }
    }

    private static void ValidatePackages(Persona p, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pkg in p.Packages ?? [])
        {
            if (pkg is null || string.IsNullOrEmpty(pkg.Name) || string.IsNullOrEmpty(pkg.Version) || pkg.Arch is not ("amd64" or "arm64" or "all"))
            {
                problems.Add($"package '{pkg?.Name}' needs a name, a version and arch amd64, arm64 or all");
            }
            else if (!seen.Add(pkg.Name + ":" + pkg.Arch))
            {
                problems.Add($"duplicate package {pkg.Name}:{pkg.Arch}");
            }
        }
    }

    /// <summary>An absolute path with no empty, "." or ".." segment (so it cannot leave /).</summary>
    public static bool IsAbsoluteClean(string? path) =>
        path is { Length: > 0 } && path[0] == '/' && !path.Contains('\0', StringComparison.Ordinal) &&
        (path == "/" || (!path.EndsWith('/') && path[1..].Split('/').All(s => s.Length is > 0 and <= 255 && s is not "." and not "..")));

    public static bool IsShadowHash(string? hash)
    {
        if (hash is null)
        {
            return false;
        }
        if (hash is "*" or "!" or "!*" or "!!")
        {
            return true;
        }
        var h = hash.StartsWith('!') ? hash[1..] : hash;
        return Sha512Crypt().IsMatch(h) || Yescrypt().IsMatch(h);
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex NameToken();

    [GeneratedRegex(@"^[0-9a-fA-F]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex SeedToken();

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();

    [GeneratedRegex(@"^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZoneToken();

    // useradd's default NAME_REGEX, plus the leading '_' Debian uses for system accounts (_apt).
    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();

    [GeneratedRegex(@"^\$6\$(rounds=[0-9]{4,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha512Crypt();

    [GeneratedRegex(@"^\$y\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{1,86}\$[./0-9A-Za-z]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex Yescrypt();

    [GeneratedRegex(@"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex MacAddress();

    [GeneratedRegex(@"^(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CronSchedule();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CronFileName();
}
