using System.ComponentModel;
using System.Runtime.InteropServices;
using Chronos.Gateway.Sandbox.Native;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// A pseudo-terminal pair. The session's shell gets the slave as its controlling terminal; the
/// Gateway reads and writes the master. Both descriptors are close-on-exec, so no sandbox ever
/// inherits another session's terminal; the child opens the slave by its path instead.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private int _slave;

    private PseudoTerminal(int master, int slave, string slavePath)
    {
        _slave = slave;
        SlavePath = slavePath;
        Master = new DescriptorStream(master);
    }

    /// <summary>/dev/pts/N.</summary>
    public string SlavePath { get; }

    /// <summary>
    /// The Gateway's end: what it writes is typed, what it reads is the screen. Reads end with an
    /// IOException (EIO) once the last process holding the slave has closed it.
    /// </summary>
    public DescriptorStream Master { get; }

    /// <summary>
    /// Opens a new terminal pair. Both descriptors are created close-on-exec atomically
    /// (posix_openpt with O_CLOEXEC, TIOCGPTPEER): openpty(3) would leave a window in which a
    /// concurrent fork for another session inherits this session's terminal.
    /// </summary>
    public static unsafe PseudoTerminal Open(int columns, int rows)
    {
        var master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "posix_openpt failed");
        }
        var slave = -1;
        try
        {
            if (Libc.grantpt(master) != 0 || Libc.unlockpt(master) != 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "grantpt/unlockpt failed");
            }
            slave = Libc.ioctl_open_peer(master, Libc.TIOCGPTPEER, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            if (slave < 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCGPTPEER failed");
            }
            var size = new Winsize { Columns = (ushort)columns, Rows = (ushort)rows };
            if (Libc.ioctl_winsize(master, Libc.TIOCSWINSZ, in size) != 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCSWINSZ failed");
            }
            var buffer = stackalloc byte[128];
            var error = Libc.ttyname_r(slave, buffer, 128);
            if (error != 0)
            {
                throw new Win32Exception(error, "ttyname_r failed");
            }
            var path = Marshal.PtrToStringUTF8((nint)buffer)!;
            return new PseudoTerminal(master, slave, path);
        }
        catch
        {
            Libc.close(master);
            if (slave >= 0)
            {
                Libc.close(slave);
            }
            throw;
        }
    }

    /// <summary>TIOCSWINSZ: the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public void Resize(int columns, int rows)
    {
        var size = new Winsize { Columns = (ushort)columns, Rows = (ushort)rows };
        if (Libc.ioctl_winsize((int)Master.Handle.DangerousGetHandle(), Libc.TIOCSWINSZ, in size) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCSWINSZ failed");
        }
    }

    public (int Columns, int Rows) Size
    {
        get
        {
            if (Libc.ioctl_get_winsize((int)Master.Handle.DangerousGetHandle(), Libc.TIOCGWINSZ, out var size) != 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "TIOCGWINSZ failed");
            }
            return (size.Columns, size.Rows);
        }
    }

    /// <summary>
    /// Gives the terminal to the session's user as sshd does (pty_setowner: owner the user, group
    /// tty, mode 0620). Owned by the Gateway's root it would show as nobody:nogroup inside the
    /// session's user namespace, and nobody there could open it again.
    /// </summary>
    public void SetOwner(uint uid, uint gid)
    {
        if (Libc.fchown(_slave, uid, gid) != 0 || Libc.fchmod(_slave, 0b110_010_000) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "fchown/fchmod of the terminal failed");
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
}
