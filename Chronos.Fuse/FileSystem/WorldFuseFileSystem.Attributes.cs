using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// lookup, forget, getattr, setattr, access, statfs
internal sealed partial class WorldFuseFileSystem
{
    public async ValueTask LookupAsync(FuseRequest request, ulong parent, string name)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        if (name is not ("." or "..") && _known.IsAbsent(parent, name))
        {
            // A directory made here whose every change this mount saw: no Redis call (the
            // LOOKUP before every create). See KnownDirectories.
            request.ReplyEntry(FuseAttributes.Negative(_entryTimeout));
            return;
        }
        await EnsurePopulatedAsync(parent).ConfigureAwait(false);
        var found = await _world.LookupAsync(parent, name).ConfigureAwait(false);
        if (!found.IsOk)
        {
            if (found.Error == Errno.ENOENT)
            {
                // Cached "no such name": PATH searches of every shell hit this. A create here
                // replaces it in the kernel; a create in another mount invalidates it by notice.
                request.ReplyEntry(FuseAttributes.Negative(_entryTimeout));
            }
            else
            {
                request.ReplyError(found.Error);
            }
            return;
        }
        var attributes = found.Value;
        if (_nodes.Find(attributes.Ino) is { HasDirtyHandles: true })
        {
            var current = await CurrentAttributesAsync(attributes.Ino, Context(request)).ConfigureAwait(false);
            if (!current.IsOk)
            {
                request.ReplyError(current.Error);
                return;
            }
            attributes = current.Value;
        }
        ReplyEntry(request, attributes);
    }

    public void Forget(ulong ino, ulong lookups)
    {
        _nodes.Forget(ino, lookups);
        if (_known.Count > 0 && _nodes.Find(ino) is null)
        {
            // The kernel no longer holds the directory: no change can reach it through this
            // mount before a lookup, which Redis answers. Keeps the known names bounded by the
            // kernel's inode cache.
            _known.Forget(ino);
        }
    }

    public async ValueTask GetAttrAsync(FuseRequest request, ulong ino, ulong? fh)
    {
        var node = _nodes.Find(ino);
        var result = node is { HasDirtyHandles: true }
            ? await CurrentAttributesAsync(ino, Context(request)).ConfigureAwait(false)
            : await FetchAttributesAsync(node, ino).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        ReplyAttr(request, result.Value);
    }

    /// <summary>The attributes from Redis: the prefetch started after this mount's last change, when there is one that worked.</summary>
    private async ValueTask<FsResult<InodeAttributes>> FetchAttributesAsync(Node? node, ulong ino)
    {
        if (node?.TakePrefetch(PrefetchMaxAgeMs) is { } prefetch)
        {
            try
            {
                var prefetched = await prefetch.ConfigureAwait(false);
                if (prefetched.IsOk)
                {
                    return prefetched;
                }
            }
            catch (Exception ex) when (FuseErrors.IsInfrastructure(ex))
            {
                // Asked again below: the answer is the read made now.
            }
        }
        return await _world.GetAttrAsync(ino).ConfigureAwait(false);
    }

    public ValueTask SetAttrAsync(FuseRequest request, ulong ino, in Stat attr, FuseSetAttr valid, ulong? fh) =>
        SetAttrCoreAsync(request, ino, ToSetAttrRequest(attr, valid));

    private async ValueTask SetAttrCoreAsync(FuseRequest request, ulong ino, SetAttrRequest change)
    {
        var context = Context(request);
        // Buffered bytes first: a truncate or an explicit mtime (tar, touch -d) must come after them.
        if (_nodes.Find(ino) is { HasDirtyHandles: true } node)
        {
            var error = await WriteOutAsync(node, context).ConfigureAwait(false);
            if (error != Errno.None)
            {
                request.ReplyError(error);
                return;
            }
        }
        var result = await _world.SetAttrAsync(ino, change, context).ConfigureAwait(false);
        if (result.Error == Errno.EAGAIN)
        {
            // A size change of content still in the lower layer or not yet generated.
            var current = await _world.GetAttrAsync(ino).ConfigureAwait(false);
            if (!current.IsOk)
            {
                request.ReplyError(current.Error);
                return;
            }
            await EnsureStoredAsync(current.Value).ConfigureAwait(false);
            result = await _world.SetAttrAsync(ino, change, context).ConfigureAwait(false);
        }
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        ReplyAttr(request, result.Value);
        ChangedHere(ino);
    }

    private SetAttrRequest ToSetAttrRequest(in Stat attr, FuseSetAttr valid)
    {
        var atimeNow = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_ATIME_NOW);
        var mtimeNow = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_MTIME_NOW);
        return new SetAttrRequest
        {
            Mode = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_MODE) ? attr.st_mode & FileModes.PermissionBits : null,
            Uid = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_UID) ? _owners.ToPersona(attr.st_uid) : null,
            Gid = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_GID) ? _owners.ToPersona(attr.st_gid) : null,
            Size = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_SIZE) ? attr.st_size : null,
            AtimeNow = atimeNow,
            MtimeNow = mtimeNow,
            Atime = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_ATIME) && !atimeNow ? FuseAttributes.FromNative(attr.st_atim) : null,
            Mtime = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_MTIME) && !mtimeNow ? FuseAttributes.FromNative(attr.st_mtim) : null,
            Ctime = valid.HasFlag(FuseSetAttr.FUSE_SET_ATTR_CTIME) ? FuseAttributes.FromNative(attr.st_ctim) : null,
        };
    }

    /// <summary>Only sent without default_permissions; answers whether the inode exists (modes are the kernel's business).</summary>
    public async ValueTask AccessAsync(FuseRequest request, ulong ino, int mask)
    {
        var result = await _world.GetAttrAsync(ino).ConfigureAwait(false);
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
    }

    public async ValueTask StatFsAsync(FuseRequest request, ulong ino)
    {
        var result = await _world.StatFsAsync().ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        var stats = result.Value;
        request.ReplyStatFs(new StatVfs
        {
            f_bsize = (ulong)stats.BlockSize,
            f_frsize = (ulong)stats.BlockSize,
            f_blocks = (ulong)stats.TotalBlocks,
            f_bfree = (ulong)stats.FreeBlocks,
            f_bavail = (ulong)stats.FreeBlocks,
            f_files = (ulong)stats.TotalInodes,
            f_ffree = (ulong)stats.FreeInodes,
            f_favail = (ulong)stats.FreeInodes,
            f_namemax = (ulong)stats.MaxNameLength,
        });
    }
}
