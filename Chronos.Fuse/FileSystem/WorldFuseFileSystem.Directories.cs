using System.Buffers;
using System.Text;
using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// opendir, readdir(plus), releasedir
internal sealed partial class WorldFuseFileSystem
{
    /// <summary>
    /// Entries fetched per Redis call. The kernel asks for a few dozen entries at a time (its
    /// buffer is a page or a few); one script returning 512 serves many of those requests from the
    /// handle's snapshot instead of one round trip each.
    /// </summary>
    private const int SnapshotEntries = 512;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, DirectorySnapshot> _directories = new();

    /// <summary>The entries of one open directory handle that Redis returned but the kernel has not taken yet.</summary>
    private sealed class DirectorySnapshot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public IReadOnlyList<DirectoryEntry> Entries { get; set; } = [];

        public bool WithAttributes { get; set; }

        public bool End { get; set; }

        /// <summary>The cookie the kernel will pass to continue after the last entry it took, and where that is in <see cref="Entries"/>.</summary>
        public long NextCookie { get; set; } = -1;

        public int NextIndex { get; set; }
    }

    public async ValueTask OpenDirAsync(FuseRequest request, ulong ino)
    {
        // A lazy directory is decided before the first listing; every reader waits for that one call.
        await EnsurePopulatedAsync(ino).ConfigureAwait(false);
        var fh = (ulong)Interlocked.Increment(ref _nextFh);
        _directories[fh] = new DirectorySnapshot();
        // The kernel keeps the listing in the directory's page cache and replays it to the next
        // opendir. It drops that cache itself when this mount changes the directory (iversion),
        // when the directory's mtime moves (auto_inval_data, at a listing's start), and when the
        // change feed invalidates the inode for a change made through another mount. Cached
        // listings also skip the directory's inode lock, which Debian's libfuse 3.14 never lifts:
        // it keeps PARALLEL_DIROPS in `want` but does not pass it to the kernel in INIT, so 1,000
        // sessions typing `ls /tmp` queued on that lock one Redis listing at a time.
        request.ReplyOpen(new FuseFileInfo { fh = fh, bits = FuseFileInfo.CacheReaddir | FuseFileInfo.KeepCache });
    }

    public async ValueTask ReadDirAsync(FuseRequest request, ulong ino, ulong fh, long offset, int size, bool plus)
    {
        await EnsurePopulatedAsync(ino).ConfigureAwait(false);
        var snapshot = _directories.GetValueOrDefault(fh) ?? new DirectorySnapshot();
        await snapshot.Gate.WaitAsync().ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var used = 0;
            var index = snapshot.NextCookie == offset && snapshot.WithAttributes == plus ? snapshot.NextIndex : -1;
            while (true)
            {
                if (index < 0 || (index >= snapshot.Entries.Count && !snapshot.End && used == 0))
                {
                    var from = index < 0 ? offset : snapshot.NextCookie;
                    var result = await _world.ReadDirAsync(ino, from, SnapshotEntries, withAttributes: plus).ConfigureAwait(false);
                    if (!result.IsOk)
                    {
                        request.ReplyError(result.Error);
                        return;
                    }
                    snapshot.Entries = result.Value.Entries;
                    snapshot.End = result.Value.End || result.Value.Entries.Count == 0;
                    snapshot.WithAttributes = plus;
                    snapshot.NextCookie = from;
                    index = 0;
                }
                if (index >= snapshot.Entries.Count)
                {
                    break;
                }
                var entry = snapshot.Entries[index];
                var attributes = entry.Attributes;
                if (plus && attributes is not null && _nodes.Find(attributes.Ino) is { HasDirtyHandles: true })
                {
                    // The kernel takes these attributes as current: include bytes buffered here.
                    var current = await CurrentAttributesAsync(attributes.Ino, Context(request)).ConfigureAwait(false);
                    attributes = current.IsOk ? current.Value : attributes;
                }
                if (!TryAdd(request, buffer.AsSpan(0, size), ref used, entry, attributes, plus))
                {
                    break;
                }
                index++;
                snapshot.NextIndex = index;
                snapshot.NextCookie = entry.NextCookie;
            }
            request.ReplyBuffer(buffer.AsSpan(0, used));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            snapshot.Gate.Release();
        }
    }

    public ValueTask ReleaseDirAsync(FuseRequest request, ulong ino, ulong fh)
    {
        _directories.TryRemove(fh, out _);
        request.ReplyError(Errno.None);
        return default;
    }

    /// <summary>Adds one entry; false when the kernel's buffer is full (the entry is then not sent and not counted).</summary>
    private bool TryAdd(FuseRequest request, Span<byte> buffer, ref int used, DirectoryEntry entry, InodeAttributes? attributes, bool plus)
    {
        var name = NameZ(entry.Name);
        if (!plus)
        {
            var stat = new Stat { st_ino = entry.Ino, st_mode = (uint)entry.Kind << 12 };
            return request.TryAddDirectoryEntry(buffer, ref used, name, stat, entry.NextCookie);
        }
        if (entry.Name is "." or ".." || attributes is null)
        {
            // Node id 0: the kernel lists the name but makes no dentry and counts no lookup.
            var bare = new FuseEntryParam { ino = 0, attr = new Stat { st_ino = entry.Ino, st_mode = (uint)entry.Kind << 12 } };
            return request.TryAddDirectoryEntryPlus(buffer, ref used, name, bare, entry.NextCookie);
        }
        var param = FuseAttributes.ToEntry(attributes, _owners, _entryTimeout, _attrTimeout);
        if (!request.TryAddDirectoryEntryPlus(buffer, ref used, name, param, entry.NextCookie))
        {
            return false;
        }
        // Each readdirplus entry counts as one lookup.
        _nodes.Remember(attributes);
        return true;
    }

    private static byte[] NameZ(string name)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }
}
