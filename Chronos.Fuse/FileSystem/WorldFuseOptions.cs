namespace Chronos.Fuse.FileSystem;

/// <summary>How one world is presented to the kernel.</summary>
public sealed record WorldFuseOptions
{
    /// <summary>Host uid/gid of persona id 0 (see <see cref="OwnerMap"/>); 0 = identity.</summary>
    public uint UidShift { get; init; }

    /// <summary>
    /// How long the kernel trusts a name (and a "no such name") without asking again. 1 s, as
    /// JuiceFS: long enough that a stat loop or a PATH search is served from the kernel's cache,
    /// short enough that two mounts agree within a second even when a change notice is lost.
    /// </summary>
    public double EntryTimeoutSeconds { get; init; } = 1.0;

    /// <summary>How long the kernel trusts attributes; 1 s for the same reasons.</summary>
    public double AttrTimeoutSeconds { get; init; } = 1.0;
}
