using System.Runtime.InteropServices;

namespace Chronos.Hypervisor.Tests;

/// <summary>The syscalls the differential test drives a real directory with (.NET has no renameat2, link, mknod, lxattr).</summary>
internal static unsafe partial class Libc
{
    public const int AT_FDCWD = -100;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rmdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlink(string target, string linkpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int truncate(string path, long length);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nint size, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint llistxattr(string path, byte* list, nint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lremovexattr(string path, string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, byte* buffer);

    [LibraryImport("libc")]
    public static partial uint umask(uint mask);

    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>0 or the errno of the call that just returned -1.</summary>
    public static int Check(long result) => result < 0 ? Errno : 0;

    /// <summary>lstat(2), decoding struct stat of x86_64 / aarch64 glibc by field offsets.</summary>
    public static int Lstat(string path, out Stat stat)
    {
        var buffer = stackalloc byte[256];
        stat = default;
        if (lstat(path, buffer) < 0)
        {
            return Errno;
        }
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            stat = new Stat(*(ulong*)(buffer + 8), *(uint*)(buffer + 24), *(ulong*)(buffer + 16), *(ulong*)(buffer + 40), *(long*)(buffer + 48));
        }
        else
        {
            // asm-generic layout: dev, ino, mode(u32), nlink(u32), uid, gid, rdev, pad, size.
            stat = new Stat(*(ulong*)(buffer + 8), *(uint*)(buffer + 16), *(uint*)(buffer + 20), *(ulong*)(buffer + 32), *(long*)(buffer + 48));
        }
        return 0;
    }

    public readonly record struct Stat(ulong Ino, uint Mode, ulong Nlink, ulong Rdev, long Size);
}
