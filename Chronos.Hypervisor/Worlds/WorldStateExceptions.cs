namespace Chronos.Hypervisor.Worlds;

/// <summary>The named world does not exist (or is not ready, for an operation that needs it as a source).</summary>
public sealed class WorldNotFoundException(string world) : InvalidOperationException($"world '{world}' does not exist")
{
    public string World { get; } = world;
}

/// <summary>The world exists but is still being built by <see cref="WorldCatalog.BranchAsync"/> (or was
/// left half built by a crash): it must not be opened until the branch finishes.</summary>
public sealed class WorldNotReadyException(string world, string state)
    : InvalidOperationException($"world '{world}' is not ready (state '{state}')")
{
    public string World { get; } = world;

    public string State { get; } = state;
}
