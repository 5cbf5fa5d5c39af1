using System.Buffers;
using System.Text;
using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// opendir, readdir(plus), releasedir
internal sealed partial class WorldFuseFileSystem
{
    /// <summary>sizeof(struct fuse_direntplus) without the name: entry_out (128) + dirent (24).</summary>
    private const int DirentPlusHeader = 152;

    /// <summary>sizeof(struct fuse_dirent) without the name.</summary>
    private const int DirentHeader = 24;

    public async ValueTask OpenDirAsync(FuseRequest request, ulong ino)
    {
        // A lazy directory is decided before the first listing; every reader waits for that one call.
        await EnsurePopulatedAsync(ino).ConfigureAwait(false);
        request.ReplyOpen(default);
    }

    public async ValueTask ReadDirAsync(FuseRequest request, ulong ino, ulong fh, long offset, int size, bool plus)
    {
        await EnsurePopulatedAsync(ino).ConfigureAwait(false);
        // Ask for about as many entries as the kernel's buffer holds with short names; the rest
        // of a page that does not fit is fetched again from its cookie.
        var maxEntries = Math.Clamp(size / ((plus ? DirentPlusHeader : DirentHeader) + 16), 1, 4096);
        var result = await _world.ReadDirAsync(ino, offset, maxEntries, withAttributes: plus).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var used = 0;
            foreach (var entry in result.Value.Entries)
            {
                var name = NameZ(entry.Name);
                if (!plus)
                {
                    var stat = new Stat { st_ino = entry.Ino, st_mode = (uint)entry.Kind << 12 };
                    if (!request.TryAddDirectoryEntry(buffer.AsSpan(0, size), ref used, name, stat, entry.NextCookie))
                    {
                        break;
                    }
                    continue;
                }
                if (entry.Name is "." or ".." || entry.Attributes is null)
                {
                    // Node id 0: the kernel lists the name but makes no dentry and counts no lookup.
                    var bare = new FuseEntryParam { ino = 0, attr = new Stat { st_ino = entry.Ino, st_mode = (uint)entry.Kind << 12 } };
                    if (!request.TryAddDirectoryEntryPlus(buffer.AsSpan(0, size), ref used, name, bare, entry.NextCookie))
                    {
                        break;
                    }
                    continue;
                }
                var attributes = entry.Attributes;
                if (_nodes.Find(attributes.Ino) is { HasDirtyHandles: true })
                {
                    // The kernel takes these attributes as current: include bytes buffered here.
                    var current = await CurrentAttributesAsync(attributes.Ino, Context(request)).ConfigureAwait(false);
                    attributes = current.IsOk ? current.Value : attributes;
                }
                var param = FuseAttributes.ToEntry(attributes, _owners, _entryTimeout, _attrTimeout);
                if (!request.TryAddDirectoryEntryPlus(buffer.AsSpan(0, size), ref used, name, param, entry.NextCookie))
                {
                    break;
                }
                // Each readdirplus entry counts as one lookup.
                _nodes.Remember(attributes);
            }
            request.ReplyBuffer(buffer.AsSpan(0, used));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask ReleaseDirAsync(FuseRequest request, ulong ino, ulong fh)
    {
        request.ReplyError(Errno.None);
        return default;
    }

    private static byte[] NameZ(string name)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }
}
