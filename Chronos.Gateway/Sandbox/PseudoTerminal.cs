using System.ComponentModel;
using System.Runtime.InteropServices;
using Chronos.Gateway.Sandbox.Native;
using Microsoft.Win32.SafeHandles;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// A pseudo-terminal pair. The session's shell gets the slave as its controlling terminal; the
/// Gateway reads and writes the master. Both descriptors are close-on-exec, so no sandbox ever
/// inherits another session's terminal; the child opens the slave by its path instead.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private readonly SafeFileHandle _master;
    private int _slave;

    private PseudoTerminal(SafeFileHandle master, int slave, string slavePath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
        Master = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0);
    }

    /// <summary>/dev/pts/N.</summary>
    public string SlavePath { get; }

    /// <summary>The Gateway's end: what it writes is typed, what it reads is the screen.</summary>
    public FileStream Master { get; }

    public static unsafe PseudoTerminal Open(int columns, int rows)
    {
        var size = new Winsize { Columns = (ushort)columns, Rows = (ushort)rows };
        if (Libc.openpty(out var master, out var slave, 0, 0, in size) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "openpty failed");
        }
        SetCloseOnExec(master);
        SetCloseOnExec(slave);

        var buffer = stackalloc byte[128];
        var error = Libc.ttyname_r(slave, buffer, 128);
        if (error != 0)
        {
            Libc.close(master);
            Libc.close(slave);
            throw new Win32Exception(error, "ttyname_r failed");
        }
        var path = Marshal.PtrToStringUTF8((nint)buffer)!;
        return new PseudoTerminal(new SafeFileHandle(master, ownsHandle: true), slave, path);
    }

    /// <summary>TIOCSWINSZ: the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public void Resize(int columns, int rows)
    {
        var size = new Winsize { Columns = (ushort)columns, Rows = (ushort)rows };
        if (Libc.ioctl_winsize((int)_master.DangerousGetHandle(), Libc.TIOCSWINSZ, in size) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCSWINSZ failed");
        }
    }

    public (int Columns, int Rows) Size
    {
        get
        {
            if (Libc.ioctl_get_winsize((int)_master.DangerousGetHandle(), Libc.TIOCGWINSZ, out var size) != 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCGWINSZ failed");
            }
            return (size.Columns, size.Rows);
        }
    }

    /// <summary>
    /// Drops the Gateway's own slave descriptor. Until then reads of the master never see the
    /// hang-up (EIO) that tells the last process of the session closed the terminal.
    /// </summary>
    public void CloseSlave()
    {
        var slave = Interlocked.Exchange(ref _slave, -1);
        if (slave >= 0)
        {
            Libc.close(slave);
        }
    }

    public void Dispose()
    {
        CloseSlave();
        Master.Dispose();
    }

    private static void SetCloseOnExec(int fd)
    {
        var flags = Libc.fcntl(fd, Libc.F_GETFD, 0);
        if (flags < 0 || Libc.fcntl(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC) < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "fcntl(FD_CLOEXEC) failed");
        }
    }
}
