using System.Runtime.InteropServices;

namespace Chronos.Gateway.Sandbox.Native;

/// <summary>The few libc calls a pseudo-terminal needs (pty.h, sys/ioctl.h, fcntl.h).</summary>
internal static partial class Libc
{
    private const string Library = "libc.so.6";

    // asm-generic/ioctls.h
    internal const nuint TIOCSWINSZ = 0x5414;
    internal const nuint TIOCGWINSZ = 0x5413;
    // fcntl.h / asm-generic/ioctls.h
    internal const int O_RDWR = 0x2;
    internal const int O_NOCTTY = 0x100;
    internal const int O_CLOEXEC = 0x80000;
    internal const nuint TIOCGPTPEER = 0x5441;
    internal const int F_DUPFD_CLOEXEC = 1030;

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int posix_openpt(int flags);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int grantpt(int fd);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int unlockpt(int fd);

    /// <summary>ioctl(master, TIOCGPTPEER, flags): opens the slave with the given flags, atomically (Linux 4.13).</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int ioctl_open_peer(int fd, nuint request, int flags);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int ioctl_winsize(int fd, nuint request, in Winsize winp);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int ioctl_get_winsize(int fd, nuint request, out Winsize winp);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int fcntl(int fd, int command, int argument);

    /// <summary>
    /// A close-on-exec duplicate, atomically (F_DUPFD_CLOEXEC): dup(2) would let a concurrent
    /// fork for another session inherit it.
    /// </summary>
    internal static int DuplicateCloseOnExec(SafeHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var duplicate = fcntl((int)handle.DangerousGetHandle(), F_DUPFD_CLOEXEC, 0);
            return duplicate >= 0 ? duplicate : throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "F_DUPFD_CLOEXEC failed");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport(Library, SetLastError = true)]
    internal static unsafe partial int ttyname_r(int fd, byte* buffer, nuint length);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int fchown(int fd, uint owner, uint group);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    // linux/close_range.h
    internal const uint CLOSE_RANGE_CLOEXEC = 1u << 2;

    /// <summary>close_range(2) (Linux 5.9; CLOSE_RANGE_CLOEXEC 5.11, glibc 2.34).</summary>
    [LibraryImport(Library, SetLastError = true)]
    internal static partial int close_range(uint first, uint last, uint flags);
}

/// <summary>struct winsize (asm-generic/termios.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Winsize
{
    public ushort Rows;
    public ushort Columns;
    public ushort XPixels;
    public ushort YPixels;
}
