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
    private OpContext NewNodeContext(FuseRequest request, ulong parent, ref uint mode, bool directory, DirectoryChange change)
    {
        var context = Context(request) with { Observer = change };
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

    /// <summary>
    /// Runs one change of <paramref name="directory"/>'s names in Redis, bracketed for
    /// <see cref="KnownDirectories"/>: while it runs, lookups there ask Redis; an exception
    /// (outcome unknown) or an error (what was known may be wrong) forgets the directory.
    /// </summary>
    private async ValueTask<FsResult<T>> ChangeNamesAsync<T>(ulong directory, ValueTask<FsResult<T>> change)
    {
        FsResult<T> result;
        try
        {
            result = await change.ConfigureAwait(false);
        }
        catch
        {
            // The change may or may not have happened: nothing kept about the directory holds.
            _known.Forget(directory);
            _nodes.Find(directory)?.DropPrefetch();
            throw;
        }
        if (!result.IsOk)
        {
            _known.Forget(directory);
        }
        return result;
    }

    /// <summary>A change of <paramref name="directory"/>'s entries about to be sent (see <see cref="DirectoryChange"/>).</summary>
    private DirectoryChange ChangeOf(ulong directory) => new(_nodes.Find(directory));

    private void Created(FuseRequest request, ulong parent, string name, FsResult<InodeAttributes> result, DirectoryChange change)
    {
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        _known.End(parent, name, removed: null);
        AttributesAfterChange(parent, change);
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
        var change = ChangeOf(parent);
        var context = NewNodeContext(request, parent, ref mode, directory: false, change);
        _known.Begin(parent);
        Created(request, parent, name, await ChangeNamesAsync(parent, _world.MknodAsync(parent, name, mode, rdev, context)).ConfigureAwait(false), change);
    }

    public async ValueTask MkdirAsync(FuseRequest request, ulong parent, string name, uint mode)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        mode &= FileModes.PermissionBits;
        var change = ChangeOf(parent);
        var context = NewNodeContext(request, parent, ref mode, directory: true, change);
        _known.Begin(parent);
        var result = await ChangeNamesAsync(parent, _world.MkdirAsync(parent, name, mode, context)).ConfigureAwait(false);
        if (result.IsOk)
        {
            // Made here, so empty: every name that appears in it from now on is made here or announced.
            _known.Made(result.Value.Ino);
        }
        Created(request, parent, name, result, change);
    }

    public async ValueTask SymlinkAsync(FuseRequest request, string target, ulong parent, string name)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        var mode = 0u;
        var change = ChangeOf(parent);
        var context = NewNodeContext(request, parent, ref mode, directory: false, change);
        _known.Begin(parent);
        Created(request, parent, name, await ChangeNamesAsync(parent, _world.SymlinkAsync(parent, name, target, context)).ConfigureAwait(false), change);
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
        var change = ChangeOf(parent);
        _known.Begin(parent);
        var result = await ChangeNamesAsync(parent, _world.UnlinkAsync(parent, name, Context(request) with { Observer = change })).ConfigureAwait(false);
        Removed(request, parent, name, result, change);
    }

    public async ValueTask RmdirAsync(FuseRequest request, ulong parent, string name)
    {
        await BeforeUnlinkAsync().ConfigureAwait(false);
        var change = ChangeOf(parent);
        _known.Begin(parent);
        var result = await ChangeNamesAsync(parent, _world.RmdirAsync(parent, name, Context(request) with { Observer = change })).ConfigureAwait(false);
        Removed(request, parent, name, result, change);
    }

    private void Removed(FuseRequest request, ulong parent, string name, FsResult<bool> result, DirectoryChange change)
    {
        if (result.IsOk)
        {
            _known.End(parent, added: null, removed: name);
            AttributesAfterChange(parent, change);
        }
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
        _known.Begin(parent);
        _known.Begin(newParent);
        FsResult<bool> result;
        try
        {
            result = await ChangeNamesAsync(parent, _world.RenameAsync(parent, name, newParent, newName, (RenameFlags)flags, Context(request))).ConfigureAwait(false);
        }
        catch
        {
            _known.Forget(newParent);
            throw;
        }
        if (!result.IsOk)
        {
            _known.Forget(newParent);
        }
        else if (((RenameFlags)flags).HasFlag(RenameFlags.Exchange))
        {
            // Both names still exist, each now naming the other inode.
            _known.End(parent, added: null, removed: null);
            _known.End(newParent, added: null, removed: null);
        }
        else
        {
            _known.End(parent, added: null, removed: name);
            _known.End(newParent, added: newName, removed: null);
        }
        if (result.IsOk)
        {
            AttributesAfterChange(parent);
            if (newParent != parent)
            {
                AttributesAfterChange(newParent);
            }
        }
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
        var change = ChangeOf(newParent);
        _known.Begin(newParent);
        var result = await ChangeNamesAsync(newParent, _world.LinkAsync(ino, newParent, newName, Context(request) with { Observer = change })).ConfigureAwait(false);
        Created(request, newParent, newName, result, change);
        if (result.IsOk)
        {
            ChangedHere(ino);
        }
    }
}
