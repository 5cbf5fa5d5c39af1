using System.Runtime.InteropServices;

namespace Chronos.Fuse.Native;

/// <summary>The few libc and Linux syscalls the engine and the lower layer need (glibc 2.36).</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int MNT_DETACH = 2;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_ACCMODE = 3;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const long SYS_openat2 = 437;
    public const int AT_FDCWD = -100;

    /// <summary>struct open_how (linux/openat2.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong flags;
        public ulong mode;
        public ulong resolve;
    }

    [LibraryImport(Library, SetLastError = true)]
    public static partial int umount2(byte* target, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial long syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nuint count, long offset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fstatat(int dirfd, byte* path, Stat* buf, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint readlinkat(int dirfd, byte* path, byte* buf, nuint size);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int stat(byte* path, Stat* buf);
}
