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
