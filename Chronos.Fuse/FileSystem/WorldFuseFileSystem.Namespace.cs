using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// mknod, mkdir, symlink, readlink, unlink, rmdir, rename, link
internal sealed partial class WorldFuseFileSystem
{
    /// <summary>
    /// The owner of a new node: the caller's ids, except that a setgid parent directory gives its
    /// group, and passes the setgid bit on to new subdirectories (as Linux's inode_init_owner).
    /// </summary>
    private OpContext NewNodeContext(FuseRequest request, ulong parent, ref uint mode, bool directory)
    {
        var context = Context(request);
        var parentAttributes = _nodes.Find(parent)?.Attributes;
        if (parentAttributes is not null && (parentAttributes.Mode & FileModes.S_ISGID) != 0)
        {
            context = context with { Gid = parentAttributes.Gid };
            if (directory)
            {
                mode |= FileModes.S_ISGID;
            }
        }
        return context;
    }

    private void Created(FuseRequest request, ulong parent, string name, FsResult<InodeAttributes> result)
    {
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        ReplyEntry(request, result.Value);
        _changes.EntryChanged(parent, name);
        _changes.InodeChanged(parent);
    }

    public async ValueTask MknodAsync(FuseRequest request, ulong parent, string name, uint mode, ulong rdev)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        var context = NewNodeContext(request, parent, ref mode, directory: false);
        Created(request, parent, name, await _world.MknodAsync(parent, name, mode, rdev, context).ConfigureAwait(false));
    }

    public async ValueTask MkdirAsync(FuseRequest request, ulong parent, string name, uint mode)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        mode &= FileModes.PermissionBits;
        var context = NewNodeContext(request, parent, ref mode, directory: true);
        Created(request, parent, name, await _world.MkdirAsync(parent, name, mode, context).ConfigureAwait(false));
    }

    public async ValueTask SymlinkAsync(FuseRequest request, string target, ulong parent, string name)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        var mode = 0u;
        var context = NewNodeContext(request, parent, ref mode, directory: false);
        Created(request, parent, name, await _world.SymlinkAsync(parent, name, target, context).ConfigureAwait(false));
    }

    public async ValueTask ReadLinkAsync(FuseRequest request, ulong ino)
    {
        var result = await _world.ReadLinkAsync(ino).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        request.ReplyReadLink(result.Value);
    }

    public async ValueTask UnlinkAsync(FuseRequest request, ulong parent, string name)
    {
        await BeforeUnlinkAsync().ConfigureAwait(false);
        var result = await _world.UnlinkAsync(parent, name, Context(request)).ConfigureAwait(false);
        Removed(request, parent, name, result);
    }

    public async ValueTask RmdirAsync(FuseRequest request, ulong parent, string name)
    {
        await BeforeUnlinkAsync().ConfigureAwait(false);
        var result = await _world.RmdirAsync(parent, name, Context(request)).ConfigureAwait(false);
        Removed(request, parent, name, result);
    }

    private void Removed(FuseRequest request, ulong parent, string name, FsResult<bool> result)
    {
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
        if (result.IsOk)
        {
            _changes.EntryChanged(parent, name);
            _changes.InodeChanged(parent);
        }
    }

    public async ValueTask RenameAsync(FuseRequest request, ulong parent, string name, ulong newParent, string newName, uint flags)
    {
        if (NameTooLong(newName))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        await BeforeUnlinkAsync().ConfigureAwait(false);
        var result = await _world.RenameAsync(parent, name, newParent, newName, (RenameFlags)flags, Context(request)).ConfigureAwait(false);
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
        if (result.IsOk)
        {
            _changes.EntryChanged(parent, name);
            _changes.EntryChanged(newParent, newName);
            _changes.InodeChanged(parent);
            if (newParent != parent)
            {
                _changes.InodeChanged(newParent);
            }
        }
    }

    public async ValueTask LinkAsync(FuseRequest request, ulong ino, ulong newParent, string newName)
    {
        if (NameTooLong(newName))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        var result = await _world.LinkAsync(ino, newParent, newName, Context(request)).ConfigureAwait(false);
        Created(request, newParent, newName, result);
        if (result.IsOk)
        {
            _changes.InodeChanged(ino);
        }
    }
}
