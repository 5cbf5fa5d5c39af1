namespace Chronos.Hypervisor.Worlds;

/// <summary>What a world is created with. Quotas bound what an attacker can store in Redis.</summary>
public sealed record WorldSpec(string Name)
{
    public long QuotaBytes { get; init; } = 1L << 30;

    public long QuotaInodes { get; init; } = 1_000_000;

    /// <summary>A read-only host directory the world starts as (root is lazy with origin <c>lower:</c>).</summary>
    public string? LowerDirectory { get; init; }

    public string? Persona { get; init; }
}

public sealed record WorldInfo(
    string Name,
    long QuotaBytes,
    long QuotaInodes,
    string? LowerDirectory,
    string? Persona,
    DateTimeOffset Created,
    long UsedBytes,
    long UsedInodes);

public sealed class WorldExistsException(string world) : InvalidOperationException($"world '{world}' already exists")
{
    public string World { get; } = world;
}

/// <summary>The result of checking every invariant of a world; each violation is one line.</summary>
public sealed record FsckReport(string World, IReadOnlyList<string> Violations, long Inodes, long Chunks)
{
    public bool Clean => Violations.Count == 0;

    public override string ToString() =>
        Clean ? $"{World}: clean ({Inodes} inodes, {Chunks} chunks)" : $"{World}: {Violations.Count} violations\n  " + string.Join("\n  ", Violations);
}
