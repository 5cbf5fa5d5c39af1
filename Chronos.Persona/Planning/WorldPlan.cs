using Chronos.Hypervisor.FileSystem;

namespace Chronos.Persona.Planning;

/// <summary>
/// Everything seeding writes, decided before anything is written: for each directory (by
/// absolute path) the entries it gets. Pure data, a function of persona, world seed, seeding time
/// and host keys, so two plans from the same inputs are equal entry for entry.
/// </summary>
public sealed class WorldPlan
{
    private readonly SortedDictionary<string, List<DeclaredEntry>> _directories = new(StringComparer.Ordinal);

    public WorldPlan(ulong worldSeed, DateTimeOffset seededAt, DateTimeOffset bootedAt)
    {
        WorldSeed = worldSeed;
        SeededAt = seededAt;
        BootedAt = bootedAt;
        _directories["/"] = [];
    }

    public ulong WorldSeed { get; }

    public DateTimeOffset SeededAt { get; }

    public DateTimeOffset BootedAt { get; }

    /// <summary>Credentials, keys and URLs planted by seeding (generation plants more later).</summary>
    public List<PlantedToken> Honeytokens { get; } = [];

    /// <summary>Directory paths in top-down order (a parent before its children).</summary>
    public IEnumerable<string> Directories => _directories.Keys.OrderBy(p => p == "/" ? 0 : p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal);

    public IReadOnlyList<DeclaredEntry> EntriesOf(string directory) => _directories.TryGetValue(directory, out var entries) ? entries : [];

    public bool HasDirectory(string path) => _directories.ContainsKey(path);

    /// <summary>Every planned node as (absolute path, entry), top-down.</summary>
    public IEnumerable<(string Path, DeclaredEntry Entry)> Nodes =>
        Directories.SelectMany(d => EntriesOf(d).Select(e => (Join(d, e.Name), e)));

    public DeclaredEntry? Find(string path)
    {
        var (parent, name) = Split(path);
        return EntriesOf(parent).FirstOrDefault(e => e.Name == name);
    }

    /// <summary>Adds an entry; its parent directory must already be planned. A second entry with the same path is a planning bug.</summary>
    public void Add(string path, DeclaredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (parent, name) = Split(path);
        if (!_directories.TryGetValue(parent, out var siblings))
        {
            throw new InvalidOperationException($"plan: {path} added before its directory {parent}");
        }
        if (siblings.Any(e => e.Name == name))
        {
            throw new InvalidOperationException($"plan: {path} planned twice");
        }
        siblings.Add(entry with { Name = name });
        if (FileModes.KindOf(entry.Mode) == FileKind.Directory && !entry.Lazy)
        {
            _directories[path] = [];
        }
    }

    public static string Join(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    public static (string Parent, string Name) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return (slash == 0 ? "/" : path[..slash], path[(slash + 1)..]);
    }
}

/// <summary>A value planted in the world that nobody but an intruder would use: where it is and what it is.</summary>
public sealed record PlantedToken(string Value, string Kind, string Path);
