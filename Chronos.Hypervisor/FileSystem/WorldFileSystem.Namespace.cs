using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>Verbs that create, link, move and remove directory entries.</summary>
internal sealed partial class WorldFileSystem
{
    public ValueTask<FsResult<InodeAttributes>> MknodAsync(ulong parent, string name, uint mode, ulong rdev, OpContext context, CancellationToken cancellationToken = default)
    {
        var type = mode & FileModes.S_IFMT;
        switch (type)
        {
            case 0:
                mode |= FileModes.S_IFREG;
                break;
            case FileModes.S_IFREG or FileModes.S_IFIFO or FileModes.S_IFSOCK or FileModes.S_IFCHR or FileModes.S_IFBLK:
                break;
            case FileModes.S_IFDIR:
                return ValueTask.FromResult<FsResult<InodeAttributes>>(Errno.EPERM);
            default:
                return ValueTask.FromResult<FsResult<InodeAttributes>>(Errno.EINVAL);
        }
        if (type is not (FileModes.S_IFCHR or FileModes.S_IFBLK))
        {
            rdev = 0;
        }
        return CreateAsync("mknod", parent, name, mode, rdev, null, context);
    }

    public ValueTask<FsResult<InodeAttributes>> MkdirAsync(ulong parent, string name, uint mode, OpContext context, CancellationToken cancellationToken = default) =>
        CreateAsync("mkdir", parent, name, FileModes.S_IFDIR | (mode & FileModes.PermissionBits), 0, null, context);

    public ValueTask<FsResult<InodeAttributes>> SymlinkAsync(ulong parent, string name, string target, OpContext context, CancellationToken cancellationToken = default)
    {
        var bad = Names.CheckTarget(target);
        return bad != Errno.None
            ? ValueTask.FromResult<FsResult<InodeAttributes>>(bad)
            : CreateAsync("symlink", parent, name, FileModes.S_IFLNK | 0x1FF, 0, target, context);
    }

    private async ValueTask<FsResult<InodeAttributes>> CreateAsync(string op, ulong parent, string name, uint mode, ulong rdev, string? target, OpContext context)
    {
        var bad = Names.Check(name);
        if (bad != Errno.None)
        {
            return bad;
        }
        var profile = new CreateProfile(parent, Session(context), op, mode, context.Uid, context.Gid, rdev, target ?? "", Observed(context));
        var r = await _creates.CreateAsync(new CreateRequest(profile, name));
        if (r.Error != Errno.None)
        {
            return r.Error;
        }
        if (r.Parent is not null)
        {
            context.Observer?.DirectoryChanged(r.Parent);
        }
        var now = Timespec.FromUnixNanoseconds(r.TimeNs);
        var isDir = op == "mkdir";
        return new InodeAttributes
        {
            Ino = r.Ino,
            Mode = r.Mode,
            Nlink = isDir ? 2u : 1u,
            Uid = context.Uid,
            Gid = r.Gid,
            Size = isDir ? 4096 : target is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(target),
            Blocks = 0,
            Rdev = rdev,
            Atime = now,
            Mtime = now,
            Ctime = now,
        };
    }

    public ValueTask<FsResult<bool>> UnlinkAsync(ulong parent, string name, OpContext context, CancellationToken cancellationToken = default) =>
        RemoveAsync(parent, name, rmdir: false, context);

    public ValueTask<FsResult<bool>> RmdirAsync(ulong parent, string name, OpContext context, CancellationToken cancellationToken = default) =>
        RemoveAsync(parent, name, rmdir: true, context);

    private async ValueTask<FsResult<bool>> RemoveAsync(ulong parent, string name, bool rmdir, OpContext context)
    {
        var bad = Names.Check(name);
        if (bad != Errno.None)
        {
            return bad;
        }
        var r = await _scripts.RunAsync(
            Scripts.Remove,
            [_meta, _usage, _audit, _keys.Inode(parent), _keys.Dir(parent), _keys.DirSeq(parent)],
            [Session(context), name, rmdir ? "1" : "0", ClientId, Wants(context)]);
        if (Status(r) != 0)
        {
            return (Errno)Status(r);
        }
        if (r.Length > 1)
        {
            context.Observer?.DirectoryChanged(InodeFields.Parse(parent, (RedisResult[])r[1]!));
        }
        return true;
    }

    public async ValueTask<FsResult<bool>> RenameAsync(ulong parent, string name, ulong newParent, string newName, RenameFlags flags, OpContext context, CancellationToken cancellationToken = default)
    {
        var bad = Names.Check(name);
        if (bad == Errno.None)
        {
            bad = Names.Check(newName);
        }
        if (bad != Errno.None)
        {
            return bad;
        }
        var r = await _scripts.RunAsync(
            Scripts.Rename,
            [
                _meta, _usage, _audit,
                _keys.Inode(parent), _keys.Dir(parent), _keys.DirSeq(parent),
                _keys.Inode(newParent), _keys.Dir(newParent), _keys.DirSeq(newParent),
            ],
            [Session(context), name, newName, (uint)flags, parent, newParent, ClientId]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }

    public async ValueTask<FsResult<InodeAttributes>> LinkAsync(ulong ino, ulong newParent, string newName, OpContext context, CancellationToken cancellationToken = default)
    {
        var bad = Names.Check(newName);
        if (bad != Errno.None)
        {
            return bad;
        }
        var r = await _scripts.RunAsync(
            Scripts.Link,
            [_meta, _usage, _audit, _keys.Inode(ino), _keys.Inode(newParent), _keys.Dir(newParent), _keys.DirSeq(newParent)],
            [Session(context), ino, newName, Wants(context)]);
        if (Status(r) != 0)
        {
            return (Errno)Status(r);
        }
        if (r.Length > 2)
        {
            context.Observer?.DirectoryChanged(InodeFields.Parse(newParent, (RedisResult[])r[2]!));
        }
        return InodeFields.Parse(ino, (RedisResult[])r[1]!);
    }

    public async ValueTask<FsResult<DirectoryPage>> ReadDirAsync(ulong ino, long cookie, int maxEntries, bool withAttributes, CancellationToken cancellationToken = default)
    {
        if (maxEntries <= 0 || cookie < 0)
        {
            return Errno.EINVAL;
        }
        var r = await _scripts.RunAsync(
            Scripts.ReadDir,
            [_meta, _keys.Inode(ino), _keys.DirSeq(ino), _keys.Dir(ino)],
            [cookie, maxEntries, withAttributes ? "1" : "0"],
            readOnly: true);
        if (Status(r) != 0)
        {
            return (Errno)Status(r);
        }
        var entries = new List<DirectoryEntry>(r.Length - 2);
        for (var i = 2; i < r.Length; i++)
        {
            var e = (RedisResult[])r[i]!;
            var entryIno = (ulong)e[1];
            var attributes = withAttributes && e[4].Resp2Type == ResultType.Array
                ? InodeFields.Parse(entryIno, (RedisResult[])e[4]!)
                : null;
            // With attributes the script leaves the mode slot 0: the mode is in the fields.
            var mode = attributes?.Mode ?? (uint)(long)e[3];
            entries.Add(new DirectoryEntry((string)e[0]!, entryIno, FileModes.KindOf(mode), (long)e[2], attributes));
        }
        return new DirectoryPage(entries, (long)r[1] == 1);
    }
}
