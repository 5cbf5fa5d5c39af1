using System.Text;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// setxattr, getxattr, listxattr, removexattr
internal sealed partial class WorldFuseFileSystem
{
    /// <summary>The namespaces Linux filesystems such as ext4 and tmpfs accept; others are EOPNOTSUPP.</summary>
    private static bool SupportedXattr(string name) =>
        name.StartsWith("user.", StringComparison.Ordinal)
        || name.StartsWith("trusted.", StringComparison.Ordinal)
        || name.StartsWith("security.", StringComparison.Ordinal);

    public async ValueTask SetXattrAsync(FuseRequest request, ulong ino, string name, byte[] value, int flags)
    {
        if (!SupportedXattr(name))
        {
            request.ReplyError(Errno.EOPNOTSUPP);
            return;
        }
        var result = await _world.SetXattrAsync(ino, name, value, (XattrFlags)flags, Context(request)).ConfigureAwait(false);
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
        if (result.IsOk)
        {
            ChangedHere(ino);
        }
    }

    /// <summary>Size 0 asks for the value's length; a smaller non-zero size is ERANGE (getxattr(2)).</summary>
    public async ValueTask GetXattrAsync(FuseRequest request, ulong ino, string name, int size)
    {
        if (!SupportedXattr(name))
        {
            request.ReplyError(Errno.EOPNOTSUPP);
            return;
        }
        var result = await _world.GetXattrAsync(ino, name).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        ReplySized(request, result.Value, size);
    }

    public async ValueTask ListXattrAsync(FuseRequest request, ulong ino, int size)
    {
        var result = await _world.ListXattrAsync(ino).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        // Names, each followed by NUL (listxattr(2)).
        var list = new List<byte>();
        foreach (var name in result.Value)
        {
            list.AddRange(Encoding.UTF8.GetBytes(name));
            list.Add(0);
        }
        ReplySized(request, list.ToArray(), size);
    }

    private static void ReplySized(FuseRequest request, byte[] value, int size)
    {
        if (size == 0)
        {
            request.ReplyXattrSize(value.Length);
        }
        else if (value.Length > size)
        {
            request.ReplyError(Errno.ERANGE);
        }
        else
        {
            request.ReplyBuffer(value);
        }
    }

    public async ValueTask RemoveXattrAsync(FuseRequest request, ulong ino, string name)
    {
        if (!SupportedXattr(name))
        {
            request.ReplyError(Errno.EOPNOTSUPP);
            return;
        }
        var result = await _world.RemoveXattrAsync(ino, name, Context(request)).ConfigureAwait(false);
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
        if (result.IsOk)
        {
            ChangedHere(ino);
        }
    }
}
