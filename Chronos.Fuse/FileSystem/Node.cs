using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// What this mount knows of one inode the kernel holds: its lookup count, the attributes last
/// seen (to know a lazy directory or a Ghost/Lower file without asking Redis again), and its
/// open handles here (so a read or a stat first writes out what any of them buffered).
/// </summary>
internal sealed class Node(ulong ino)
{
    private readonly Lock _gate = new();
    private readonly List<OpenFile> _handles = [];

    public ulong Ino { get; } = ino;

    /// <summary>Kernel lookups not yet forgotten (guarded by the node table).</summary>
    public long Lookups { get; set; }

    /// <summary>Last attributes seen; replaced whole (records are immutable).</summary>
    public InodeAttributes? Attributes { get; set; }

    /// <summary>
    /// Attributes of this directory for the kernel's next GETATTR, taken once: read by the script
    /// of this mount's last change to it (see <see cref="Changed"/>), or a read started right after
    /// that change (see WorldFuseFileSystem.AttributesAfterChange). Dropped by any other change here
    /// or elsewhere.
    /// </summary>
    private AttributePrefetch? _prefetch;

    /// <summary>
    /// Counts the changes to this inode this mount completed or heard of (notices, lost notices).
    /// A change's own attributes are kept only when the count did not move while it ran: then no
    /// other change can have reached Redis after it unseen. Guarded by <see cref="_gate"/>.
    /// </summary>
    private long _generation;

    /// <summary>The change count now; a change takes it before it is sent.</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>A read of the attributes started after a change here completed.</summary>
    public void Prefetch(Task<FsResult<InodeAttributes>> fetch)
    {
        lock (_gate)
        {
            _generation++;
            _prefetch = new AttributePrefetch(fetch, Environment.TickCount64);
        }
    }

    public void DropPrefetch()
    {
        lock (_gate)
        {
            _generation++;
            _prefetch = null;
        }
    }

    /// <summary>
    /// A change this mount made completed, leaving the attributes <paramref name="after"/> (read in
    /// the same script) when known. They are kept for the next GETATTR when nothing changed this
    /// inode since <paramref name="startedAt"/> (its <see cref="Generation"/> before it was sent);
    /// otherwise they may predate another change and are dropped. Returns whether they were kept.
    /// </summary>
    public bool Changed(long startedAt, InodeAttributes? after)
    {
        lock (_gate)
        {
            var kept = after is not null && _generation == startedAt;
            _generation++;
            _prefetch = kept ? new AttributePrefetch(Task.FromResult<FsResult<InodeAttributes>>(after!), Environment.TickCount64) : null;
            return kept;
        }
    }

    /// <summary>The prefetch, if one started less than <paramref name="maxAgeMs"/> ago; it is used once.</summary>
    public Task<FsResult<InodeAttributes>>? TakePrefetch(long maxAgeMs)
    {
        AttributePrefetch? prefetch;
        lock (_gate)
        {
            prefetch = _prefetch;
            _prefetch = null;
        }
        return prefetch is not null && Environment.TickCount64 - prefetch.StartedAt < maxAgeMs ? prefetch.Fetch : null;
    }

    private sealed record AttributePrefetch(Task<FsResult<InodeAttributes>> Fetch, long StartedAt);

    /// <summary>Serialises write-out of buffered data for this inode, so buffers reach Redis in order.</summary>
    public SemaphoreSlim WriteOut { get; } = new(1, 1);

    public int HandleCount
    {
        get
        {
            lock (_gate)
            {
                return _handles.Count;
            }
        }
    }

    public void AddHandle(OpenFile handle)
    {
        lock (_gate)
        {
            _handles.Add(handle);
        }
    }

    public void RemoveHandle(OpenFile handle)
    {
        lock (_gate)
        {
            _handles.Remove(handle);
        }
    }

    /// <summary>The handles that hold buffered bytes right now.</summary>
    public OpenFile[] DirtyHandles()
    {
        lock (_gate)
        {
            return _handles.Count == 0 ? [] : [.. _handles.Where(h => h.HasBufferedData)];
        }
    }

    public bool HasDirtyHandles
    {
        get
        {
            lock (_gate)
            {
                foreach (var handle in _handles)
                {
                    if (handle.HasBufferedData)
                    {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
