using Chronos.Hypervisor.Storage;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>Extended attributes: one hash per inode, their bytes counted against the world's quota.</summary>
internal sealed partial class WorldFileSystem
{
    /// <summary>XATTR_SIZE_MAX of Linux.</summary>
    private const int MaxXattrValue = 65536;

    public async ValueTask<FsResult<byte[]>> GetXattrAsync(ulong ino, string name, CancellationToken cancellationToken = default)
    {
        var bad = Names.CheckXattr(name);
        if (bad != Errno.None)
        {
            return bad == Errno.EOPNOTSUPP ? Errno.ENODATA : bad;
        }
        var exists = _db.KeyExistsAsync(_keys.Inode(ino));
        var value = await _db.HashGetAsync(_keys.Xattr(ino), name);
        if (!await exists)
        {
            return Errno.ENOENT;
        }
        return value.IsNull ? Errno.ENODATA : (byte[])value!;
    }

    public async ValueTask<FsResult<bool>> SetXattrAsync(ulong ino, string name, ReadOnlyMemory<byte> value, XattrFlags flags, OpContext context, CancellationToken cancellationToken = default)
    {
        var bad = Names.CheckXattr(name);
        if (bad != Errno.None)
        {
            return bad;
        }
        if (value.Length > MaxXattrValue)
        {
            return Errno.E2BIG;
        }
        if (flags == (XattrFlags.Create | XattrFlags.Replace) || ((int)flags & ~3) != 0)
        {
            return Errno.EINVAL;
        }
        var r = await _scripts.RunAsync(
            Scripts.Xattr,
            [_meta, _usage, _audit, _keys.Inode(ino), _keys.Xattr(ino)],
            [Session(context), ino, "set", name, value.ToArray(), (int)flags]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }

    public async ValueTask<FsResult<IReadOnlyList<string>>> ListXattrAsync(ulong ino, CancellationToken cancellationToken = default)
    {
        var exists = _db.KeyExistsAsync(_keys.Inode(ino));
        var names = await _db.HashKeysAsync(_keys.Xattr(ino));
        if (!await exists)
        {
            return Errno.ENOENT;
        }
        return names.Select(n => (string)n!).Order(StringComparer.Ordinal).ToArray();
    }

    public async ValueTask<FsResult<bool>> RemoveXattrAsync(ulong ino, string name, OpContext context, CancellationToken cancellationToken = default)
    {
        var bad = Names.CheckXattr(name);
        if (bad != Errno.None)
        {
            return bad == Errno.EOPNOTSUPP ? Errno.ENODATA : bad;
        }
        var r = await _scripts.RunAsync(
            Scripts.Xattr,
            [_meta, _usage, _audit, _keys.Inode(ino), _keys.Xattr(ino)],
            [Session(context), ino, "remove", name, "", 0]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }
}
