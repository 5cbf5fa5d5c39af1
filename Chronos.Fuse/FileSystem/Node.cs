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
    /// A read of this directory's attributes started right after this mount's last change to it
    /// (see WorldFuseFileSystem.PrefetchAttributes); taken by the next GETATTR, dropped by any
    /// other change here or elsewhere.
    /// </summary>
    private AttributePrefetch? _prefetch;

    public void Prefetch(Task<FsResult<InodeAttributes>> fetch) =>
        Volatile.Write(ref _prefetch, new AttributePrefetch(fetch, Environment.TickCount64));

    public void DropPrefetch() => Volatile.Write(ref _prefetch, null);

    /// <summary>The prefetch, if one started less than <paramref name="maxAgeMs"/> ago; it is used once.</summary>
    public Task<FsResult<InodeAttributes>>? TakePrefetch(long maxAgeMs)
    {
        var prefetch = Interlocked.Exchange(ref _prefetch, null);
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
