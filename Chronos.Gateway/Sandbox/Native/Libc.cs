using System.Runtime.InteropServices;

namespace Chronos.Gateway.Sandbox.Native;

/// <summary>The few libc calls a pseudo-terminal needs (pty.h, sys/ioctl.h, fcntl.h).</summary>
internal static partial class Libc
{
    private const string Library = "libc.so.6";

    // asm-generic/ioctls.h
    internal const nuint TIOCSWINSZ = 0x5414;
    internal const nuint TIOCGWINSZ = 0x5413;
    // fcntl.h
    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int FD_CLOEXEC = 1;

    /// <summary>openpty(3): glibc 2.34+ has it in libc itself.</summary>
    [LibraryImport(Library, SetLastError = true)]
    internal static partial int openpty(out int master, out int slave, nint name, nint termp, in Winsize winp);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int ioctl_winsize(int fd, nuint request, in Winsize winp);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int ioctl_get_winsize(int fd, nuint request, out Winsize winp);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Library, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Library, SetLastError = true)]
    internal static unsafe partial int ttyname_r(int fd, byte* buffer, nuint length);
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
