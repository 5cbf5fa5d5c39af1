using System.Text;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>Checks a directory entry name before anything reaches Redis.</summary>
internal static class Names
{
    /// <summary>NAME_MAX of Linux: 255 bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>PATH_MAX of Linux, the longest symlink target: 4096 bytes with the NUL.</summary>
    public const int MaxTargetBytes = 4095;

    /// <summary>EINVAL for an empty name, "." or "..", a name with '/' or NUL (the kernel never sends
    /// these to a filesystem, so only a broken caller does); ENAMETOOLONG over 255 UTF-8 bytes.</summary>
    public static Errno Check(string name)
    {
        if (name.Length == 0 || name == "." || name == ".." || name.AsSpan().IndexOfAny('/', '\0') >= 0)
        {
            return Errno.EINVAL;
        }
        return Encoding.UTF8.GetByteCount(name) > MaxNameBytes ? Errno.ENAMETOOLONG : Errno.None;
    }

    /// <summary>symlink(2): ENOENT for an empty target, ENAMETOOLONG over PATH_MAX, EINVAL for NUL.</summary>
    public static Errno CheckTarget(string target)
    {
        if (target.Length == 0)
        {
            return Errno.ENOENT;
        }
        if (target.Contains('\0', StringComparison.Ordinal))
        {
            return Errno.EINVAL;
        }
        return Encoding.UTF8.GetByteCount(target) > MaxTargetBytes ? Errno.ENAMETOOLONG : Errno.None;
    }

    /// <summary>xattr names: ERANGE when empty or over 255 bytes, EOPNOTSUPP outside the four Linux namespaces.</summary>
    public static Errno CheckXattr(string name)
    {
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > MaxNameBytes || name.Contains('\0', StringComparison.Ordinal))
        {
            return Errno.ERANGE;
        }
        return name.StartsWith("user.", StringComparison.Ordinal) || name.StartsWith("trusted.", StringComparison.Ordinal)
            || name.StartsWith("security.", StringComparison.Ordinal) || name.StartsWith("system.", StringComparison.Ordinal)
            ? Errno.None
            : Errno.EOPNOTSUPP;
    }
}
