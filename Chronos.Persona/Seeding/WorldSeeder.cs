using System.Globalization;
using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Keys;
using Chronos.Persona.Planning;
using Chronos.Persona.Worlds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Persona.Seeding;

/// <summary>How to seed one world.</summary>
public sealed record SeedOptions
{
    /// <summary>See <see cref="PlanOptions.ProvideSkeleton"/>: false when a lower layer provides /usr, /bin and the rest.</summary>
    public bool ProvideSkeleton { get; init; } = true;

    /// <summary>Origins of other schemes (the Fuse layer's "lower"): a lazy directory of theirs is populated by them before the persona adds to it.</summary>
    public IReadOnlyList<IContentOrigin> OtherOrigins { get; init; } = [];

    /// <summary>
    /// The world's lower layer, when seeding runs where it is visible. A lazy lower directory then
    /// is not populated but overlaid: the persona's entries are added, the directory stays lazy,
    /// and the Fuse layer later adds the layer's other names under them (so the persona's
    /// /usr/lib/os-release shadows the host's). Planned directories that continue a lower
    /// directory stay lazy with its origin.
    /// </summary>
    public LowerDirectoryView? Lower { get; init; }

    /// <summary>The world's "now"; the clock when null.</summary>
    public DateTimeOffset? Now { get; init; }
}

public sealed record SeedResult(string World, string Persona, bool AlreadySeeded, int Directories, int Entries, int Honeytokens);

/// <summary>
/// Writes a persona's plan into a world, top-down, one PopulateDirectoryAsync per directory
/// (each atomic and audited). Idempotent: the world's persona record fixes the seed and "now",
/// host keys already in the world are read back rather than regenerated, existing names are left
/// alone, and a world whose seeding completed is not touched again.
/// </summary>
public sealed class WorldSeeder(IConnectionMultiplexer redis, HoneytokenRegistry honeytokens, ILogger<WorldSeeder>? logger = null)
{
    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ILogger _logger = logger ?? NullLogger<WorldSeeder>.Instance;

    public async Task<SeedResult> SeedAsync(IWorldFileSystem world, Model.Persona persona, SeedOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(persona);
        options ??= new SeedOptions();
        var record = await WorldRecord.ClaimAsync(_db, world.World, persona, options.Now ?? DateTimeOffset.UtcNow);
        if (record.Complete)
        {
            Log.AlreadySeeded(_logger, world.World, persona.Name);
            return new SeedResult(world.World, persona.Name, true, 0, 0, 0);
        }
        var context = new WorldContext(persona, record.WorldSeed, record.SeededAt);
        var hostKeys = await ExistingHostKeysAsync(world, cancellationToken) ?? HostKeySet.Generate(persona.Hostname);
        var plan = WorldPlanner.Plan(context, hostKeys, new PlanOptions { ProvideSkeleton = options.ProvideSkeleton });

        var inodes = new Dictionary<string, ulong>(StringComparer.Ordinal) { ["/"] = 1 };
        var directories = 0;
        var entries = 0;
        var provenance = new List<HashEntry>();
        foreach (var directory in plan.Directories)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ino = await ResolveDirectoryAsync(world, directory, inodes, cancellationToken);
            var attributes = (await world.GetAttrAsync(ino, cancellationToken)).Value;
            var lowerPath = options.Lower is not null && attributes.IsLazyDirectory ? LowerPathOf(attributes.Origin) : null;
            if (attributes.IsLazyDirectory && lowerPath is null && !GhostOrigin.TryParse(attributes.Origin, out _))
            {
                await PopulateForeignAsync(world, attributes, options, cancellationToken);
            }
            var planned = plan.EntriesOf(directory);
            var existing = await ListAsync(world, ino, cancellationToken);
            var toAdd = new List<DeclaredEntry>();
            foreach (var entry in planned)
            {
                if (existing.TryGetValue(entry.Name, out var present))
                {
                    if (!IsLowerLayer(present, entry))
                    {
                        continue;
                    }
                    // The lower layer's file (a stock /etc/hostname, a symlink to another zone) gives way to the persona's.
                    await world.UnlinkAsync(ino, entry.Name, OpContext.System, cancellationToken);
                }
                toAdd.Add(lowerPath is null ? entry : OverLower(entry, lowerPath, options.Lower!));
            }
            if (toAdd.Count > 0)
            {
                var populated = lowerPath is null
                    ? await world.PopulateDirectoryAsync(ino, toAdd, onlyIfLazy: false, OpContext.System, cancellationToken)
                    : await world.OverlayDirectoryAsync(ino, toAdd, OpContext.System, cancellationToken);
                if (!populated.IsOk)
                {
                    throw new InvalidOperationException($"seeding {world.World}: populating {directory} failed with {populated.Error}");
                }
            }
            directories++;
            entries += toAdd.Count;
            foreach (var (name, attrs) in await ListAsync(world, ino, cancellationToken))
            {
                var path = WorldPlan.Join(directory, name);
                if (attrs.Kind == FileKind.Directory)
                {
                    inodes[path] = attrs.Ino;
                }
                if (attrs.Kind == FileKind.Regular && attrs.Content == ContentState.Stored && planned.Any(e => e.Name == name))
                {
                    provenance.Add(new HashEntry(path, Provenance.Format(attrs)));
                }
            }
        }
        if (provenance.Count > 0)
        {
            await _db.HashSetAsync(new PersonaKeys(world.World).Provenance, [.. provenance]);
        }
        await honeytokens.RecordAsync(world.World, plan.Honeytokens, "seed");
        await WorldRecord.MarkCompleteAsync(_db, world.World);
        Log.Seeded(_logger, world.World, persona.Name, directories, entries, plan.Honeytokens.Count);
        return new SeedResult(world.World, persona.Name, false, directories, entries, plan.Honeytokens.Count);
    }

    private const string LowerScheme = "lower:";

    private static string? LowerPathOf(string? origin) =>
        origin is not null && origin.StartsWith(LowerScheme, StringComparison.Ordinal) ? origin[LowerScheme.Length..] : null;

    /// <summary>A planned directory that the lower layer also has stays lazy with the layer's origin, so its lower entries still appear under the persona's.</summary>
    private static DeclaredEntry OverLower(DeclaredEntry entry, string parentLowerPath, LowerDirectoryView lower)
    {
        if (FileModes.KindOf(entry.Mode) != FileKind.Directory || entry.Lazy)
        {
            return entry;
        }
        var path = parentLowerPath.Length == 0 ? entry.Name : parentLowerPath + "/" + entry.Name;
        return lower.HasDirectory(path) ? entry with { Lazy = true, Origin = LowerScheme + path } : entry;
    }

    private static bool IsLowerLayer(InodeAttributes present, DeclaredEntry planned) =>
        FileModes.KindOf(planned.Mode) != FileKind.Directory &&
        (present.Content == ContentState.Lower || (present.Origin?.StartsWith("lower:", StringComparison.Ordinal) ?? false));

    private static async Task PopulateForeignAsync(IWorldFileSystem world, InodeAttributes directory, SeedOptions options, CancellationToken cancellationToken)
    {
        var scheme = directory.Origin?.Split(':', 2)[0] ?? "";
        var origin = options.OtherOrigins.FirstOrDefault(o => o.Scheme == scheme)
            ?? throw new InvalidOperationException($"seeding {world.World}: directory inode {directory.Ino} is lazy with origin '{directory.Origin}' and no content origin for '{scheme}' was given; populating over it would hide its entries");
        await origin.PopulateAsync(world, directory, cancellationToken);
    }

    private static async Task<ulong> ResolveDirectoryAsync(IWorldFileSystem world, string path, Dictionary<string, ulong> inodes, CancellationToken cancellationToken)
    {
        if (inodes.TryGetValue(path, out var known))
        {
            return known;
        }
        var (parent, name) = WorldPlan.Split(path);
        var parentIno = await ResolveDirectoryAsync(world, parent, inodes, cancellationToken);
        var found = await world.LookupAsync(parentIno, name, cancellationToken);
        if (!found.IsOk)
        {
            throw new InvalidOperationException($"seeding {world.World}: {path} is missing after its parent was populated ({found.Error})");
        }
        var attributes = found.Value;
        if (attributes.Kind == FileKind.Symlink)
        {
            // A lower layer's /var/run → /run style link where the plan wants a directory: follow it once.
            var target = (await world.ReadLinkAsync(attributes.Ino, cancellationToken)).Value;
            var resolved = target.StartsWith('/') ? target : WorldPlan.Join(parent, target);
            var ino = await ResolveDirectoryAsync(world, resolved, inodes, cancellationToken);
            inodes[path] = ino;
            return ino;
        }
        if (attributes.Kind != FileKind.Directory)
        {
            throw new InvalidOperationException($"seeding {world.World}: {path} exists and is not a directory");
        }
        inodes[path] = attributes.Ino;
        return attributes.Ino;
    }

    private static async Task<Dictionary<string, InodeAttributes>> ListAsync(IWorldFileSystem world, ulong ino, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, InodeAttributes>(StringComparer.Ordinal);
        long cookie = 0;
        while (true)
        {
            var page = await world.ReadDirAsync(ino, cookie, 512, withAttributes: true, cancellationToken);
            if (!page.IsOk)
            {
                throw new InvalidOperationException($"seeding {world.World}: listing inode {ino} failed with {page.Error}");
            }
            foreach (var entry in page.Value.Entries)
            {
                cookie = entry.NextCookie;
                if (entry.Name is "." or ".." || entry.Attributes is null)
                {
                    continue;
                }
                result[entry.Name] = entry.Attributes;
            }
            if (page.Value.End || page.Value.Entries.Count == 0)
            {
                return result;
            }
        }
    }

    /// <summary>The host keys a previous (interrupted) seeding already wrote, so a resumed seeding does not mint new ones.</summary>
    private static async Task<HostKeySet?> ExistingHostKeysAsync(IWorldFileSystem world, CancellationToken cancellationToken)
    {
        var etc = await world.LookupAsync(1, "etc", cancellationToken);
        if (!etc.IsOk)
        {
            return null;
        }
        var ssh = await world.LookupAsync(etc.Value.Ino, "ssh", cancellationToken);
        if (!ssh.IsOk)
        {
            return null;
        }
        async Task<OpenSshKey?> Read(string name, string algorithm)
        {
            var key = await ReadTextAsync(world, ssh.Value.Ino, name, cancellationToken);
            var pub = await ReadTextAsync(world, ssh.Value.Ino, name + ".pub", cancellationToken);
            return key is null || pub is null ? null : new OpenSshKey(algorithm, key, pub);
        }
        var ed = await Read("ssh_host_ed25519_key", "ssh-ed25519");
        var ec = await Read("ssh_host_ecdsa_key", "ecdsa-sha2-nistp256");
        var rsa = await Read("ssh_host_rsa_key", "ssh-rsa");
        return ed is null || ec is null || rsa is null ? null : new HostKeySet(ed, ec, rsa);
    }

    internal static async Task<string?> ReadTextAsync(IWorldFileSystem world, ulong parent, string name, CancellationToken cancellationToken)
    {
        var found = await world.LookupAsync(parent, name, cancellationToken);
        if (!found.IsOk || found.Value.Kind != FileKind.Regular || found.Value.Content != ContentState.Stored || found.Value.Size > 1 << 20)
        {
            return null;
        }
        var buffer = new byte[found.Value.Size];
        var read = await world.ReadAsync(found.Value.Ino, 0, buffer, cancellationToken);
        return read.IsOk ? Encoding.UTF8.GetString(buffer, 0, read.Value) : null;
    }
}

/// <summary>The provenance stamp of a persona-written file: any later chmod, write or truncate changes its ctime.</summary>
internal static class Provenance
{
    public static string Format(InodeAttributes attributes) =>
        string.Create(CultureInfo.InvariantCulture, $"{attributes.Ino} {attributes.Ctime.ToUnixNanoseconds()} {attributes.Size}");
}
