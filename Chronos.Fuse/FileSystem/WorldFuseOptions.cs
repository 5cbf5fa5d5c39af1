namespace Chronos.Fuse.FileSystem;

/// <summary>How one world is presented to the kernel.</summary>
public sealed record WorldFuseOptions
{
    /// <summary>Host uid/gid of persona id 0 (see <see cref="OwnerMap"/>); 0 = identity.</summary>
    public uint UidShift { get; init; }

    /// <summary>
    /// How long the kernel trusts a name (and a "no such name") without asking again. Within a
    /// mount every change passes through the kernel, which updates or drops what it cached;
    /// changes by other mounts arrive as change notices that invalidate it. So the timeout only
    /// bounds how long a change stays unseen when a notice is lost (Redis connection down) or a
    /// world is changed outside any mount. 30 s, as NFS's acdirmin: a cached stat loop, a PATH
    /// search and a create after a stat pass stay in the kernel even at 10,000 files on a busy
    /// machine (at 1 s the warm-up of 10,000 stats outlasted the cache).
    /// </summary>
    public double EntryTimeoutSeconds { get; init; } = 30.0;

    /// <summary>How long the kernel trusts attributes; 30 s for the same reasons.</summary>
    public double AttrTimeoutSeconds { get; init; } = 30.0;
}
