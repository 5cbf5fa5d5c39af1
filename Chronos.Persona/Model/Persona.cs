namespace Chronos.Persona.Model;

/// <summary>
/// One machine the honeypot impersonates, as data (a YAML file under Personas/). Everything a
/// world shows is derived from this record and its <see cref="Seed"/>; nothing about a host is
/// hard-coded elsewhere. Properties are init-settable so the YAML deserializer can fill them;
/// <see cref="PersonaLoader"/> validates the result before anyone sees it.
/// </summary>
public sealed record Persona
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>16 hex digits; with the world's name it makes the whole world deterministic.</summary>
    public string Seed { get; init; } = "";
    public string Hostname { get; init; } = "";
    public string Domain { get; init; } = "";
    /// <summary>IANA zone name, e.g. Europe/London (/etc/timezone, /etc/localtime).</summary>
    public string TimeZone { get; init; } = "";
    /// <summary>When the OS was installed: the oldest time any seeded file may carry.</summary>
    public string InstalledAt { get; init; } = "";
    /// <summary>Uptime at seeding, as d.hh:mm:ss; the boot time is the seeding time minus this.</summary>
    public string Uptime { get; init; } = "";
    public OsRelease Os { get; init; } = new();
    public KernelInfo Kernel { get; init; } = new();
    public SshIdentity Ssh { get; init; } = new();
    public NetworkConfig Network { get; init; } = new();
    public List<GroupAccount> Groups { get; init; } = [];
    public List<UserAccount> Users { get; init; } = [];
    public List<ServiceInfo> Services { get; init; } = [];
    public List<WebSite> Sites { get; init; } = [];
    public List<DatabaseInfo> Databases { get; init; } = [];
    public List<CronJob> Cron { get; init; } = [];
    public List<PackageInfo> Packages { get; init; } = [];
    public List<LazyDirectory> Lazy { get; init; } = [];

    public string Fqdn => $"{Hostname}.{Domain}";

    /// <summary>The parsed <see cref="Seed"/> (valid after loading).</summary>
    public ulong SeedValue => ulong.Parse(Seed, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public DateTimeOffset InstalledAtValue => DateTimeOffset.Parse(InstalledAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public TimeSpan UptimeValue => TimeSpan.Parse(Uptime, System.Globalization.CultureInfo.InvariantCulture);

    public bool HasService(string kind) => Services.Any(s => s.Kind == kind);

    public UserAccount User(string name) => Users.First(u => u.Name == name);

    public UserAccount? UserById(uint uid) => Users.FirstOrDefault(u => u.Uid == uid);

    public GroupAccount? GroupById(uint gid) => Groups.FirstOrDefault(g => g.Gid == gid);

    /// <summary>Users a person logs in as: root and accounts with a real shell and a home under /home.</summary>
    public IEnumerable<UserAccount> LoginUsers => Users.Where(u => u.HasLoginShell && (u.Uid == 0 || u.Home.StartsWith("/home/", StringComparison.Ordinal) || u.Uid >= 1000));

    public bool IsDebian => Os.Id == "debian";
}

/// <summary>The fields of /etc/os-release (os-release(5)) and friends.</summary>
public sealed record OsRelease
{
    public string Id { get; init; } = "";
    public string? IdLike { get; init; }
    public string Name { get; init; } = "";
    public string PrettyName { get; init; } = "";
    public string Version { get; init; } = "";
    public string VersionId { get; init; } = "";
    public string VersionCodename { get; init; } = "";
    public string? UbuntuCodename { get; init; }
    public string HomeUrl { get; init; } = "";
    public string SupportUrl { get; init; } = "";
    public string BugReportUrl { get; init; } = "";
    public string? PrivacyPolicyUrl { get; init; }
    public string? Logo { get; init; }
    /// <summary>/etc/debian_version.</summary>
    public string DebianVersion { get; init; } = "";
    /// <summary>DISTRIB_DESCRIPTION of /etc/lsb-release; Debian ships no such file (null).</summary>
    public string? LsbDescription { get; init; }
}

/// <summary>uname -r, uname -v, uname -m and the parts of /proc/version.</summary>
public sealed record KernelInfo
{
    public string Release { get; init; } = "";
    public string Version { get; init; } = "";
    public string Machine { get; init; } = "x86_64";
    public string Builder { get; init; } = "";
    public string Compiler { get; init; } = "";

    /// <summary>The text of /proc/version, as the kernel formats it (init/version.c).</summary>
    public string ProcVersion => $"Linux version {Release} ({Builder}) ({Compiler}) {Version}";
}

/// <summary>What the SSH layer says on the wire: the identification string and the Gateway profile that matches it.</summary>
public sealed record SshIdentity
{
    public string Banner { get; init; } = "";
    /// <summary>One of the Gateway's wire profiles: debian-12, ubuntu-22.04, ubuntu-24.04.</summary>
    public string WireProfile { get; init; } = "";
    public int Port { get; init; } = 22;

    /// <summary>The OpenSSH upstream version in the banner, e.g. "8.9p1".</summary>
    public string OpenSshVersion => Banner.Split('_', 2) is [_, var rest] ? rest.Split(' ')[0] : "";
}

public sealed record NetworkConfig
{
    public List<NetworkInterface> Interfaces { get; init; } = [];
    public List<string> Nameservers { get; init; } = [];
    public List<string> Search { get; init; } = [];
    /// <summary>Other hosts the machine knows (/etc/hosts lines, known_hosts, log peers).</summary>
    public List<PeerHost> Peers { get; init; } = [];
}

public sealed record NetworkInterface
{
    public string Name { get; init; } = "";
    public string Mac { get; init; } = "";
    /// <summary>CIDR notation, e.g. 10.20.1.15/24.</summary>
    public List<string> Addresses { get; init; } = [];
    public string? Gateway { get; init; }
}

public sealed record PeerHost
{
    public string Address { get; init; } = "";
    public List<string> Names { get; init; } = [];
}

public sealed record GroupAccount
{
    public string Name { get; init; } = "";
    public uint Gid { get; init; }
    public List<string> Members { get; init; } = [];
}

public sealed record UserAccount
{
    public string Name { get; init; } = "";
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public string Gecos { get; init; } = "";
    public string Home { get; init; } = "";
    public string Shell { get; init; } = "";
    /// <summary>The shadow password field: a $6$ or $y$ crypt hash, or "*" / "!" (no password login), optionally "!"-prefixed (locked).</summary>
    public string Hash { get; init; } = "*";
    /// <summary>The plaintext of <see cref="Hash"/>, for the Gateway's accept-listed-credentials policy.</summary>
    public string? Password { get; init; }
    /// <summary>Days since the epoch of the last password change (shadow field 3); 0 = derive from the install date.</summary>
    public int LastChange { get; init; }
    /// <summary>Comments of the keys in ~/.ssh/authorized_keys (one generated key each).</summary>
    public List<string> AuthorizedKeys { get; init; } = [];
    /// <summary>The user keeps a private key (~/.ssh/id_ed25519) and known_hosts.</summary>
    public bool PrivateKey { get; init; }
    /// <summary>The user works here: a lazy projects directory and code in the home.</summary>
    public bool Projects { get; init; }

    public bool HasLoginShell => Shell is "/bin/bash" or "/bin/sh" or "/usr/bin/bash" or "/bin/zsh" or "/usr/bin/zsh" or "/bin/dash";
}

public sealed record ServiceInfo
{
    public string Name { get; init; } = "";
    /// <summary>What the plan knows how to show: sshd, cron, rsyslog, nginx, php-fpm, mysql, postgresql, docker, gitlab-runner.</summary>
    public string Kind { get; init; } = "";
    public string Unit { get; init; } = "";
    public string? Version { get; init; }
    public string? User { get; init; }
    public List<int> Ports { get; init; } = [];
}

public sealed record WebSite
{
    public string ServerName { get; init; } = "";
    public List<string> Aliases { get; init; } = [];
    public string Root { get; init; } = "";
    /// <summary>wordpress or static.</summary>
    public string Kind { get; init; } = "";
    public string Owner { get; init; } = "www-data";
}

public sealed record DatabaseInfo
{
    /// <summary>mysql or postgresql.</summary>
    public string Engine { get; init; } = "";
    public string Name { get; init; } = "";
    public string Owner { get; init; } = "";
}

public sealed record CronJob
{
    public string User { get; init; } = "";
    /// <summary>Five fields or an @keyword.</summary>
    public string Schedule { get; init; } = "";
    public string Command { get; init; } = "";
    /// <summary>A file name under /etc/cron.d; null puts the job in the user's crontab.</summary>
    public string? File { get; init; }
}

public sealed record PackageInfo
{
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string Arch { get; init; } = "";
    public string Section { get; init; } = "misc";
    public string Description { get; init; } = "";
}

/// <summary>A directory whose entries are decided on first access.</summary>
public sealed record LazyDirectory
{
    public string Path { get; init; } = "";
    /// <summary>uploads, projects, backups.</summary>
    public string Kind { get; init; } = "";
    public string Owner { get; init; } = "root";
}
