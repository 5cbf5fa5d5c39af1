using System.Runtime.InteropServices;

namespace Chronos.Gateway.Sandbox;

/// <summary>kill(2) by number, for signals .NET's Process does not send (SIGINT, SIGHUP, SIGWINCH ...).</summary>
public static partial class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;

    /// <summary>The signal number for an SSH signal name (RFC 4254 §6.9, without "SIG"); null for one sshd would ignore.</summary>
    public static int? FromSshName(string name) => name switch
    {
        "HUP" => SIGHUP,
        "INT" => SIGINT,
        "QUIT" => SIGQUIT,
        "KILL" => SIGKILL,
        "USR1" => SIGUSR1,
        "USR2" => SIGUSR2,
        "PIPE" => SIGPIPE,
        "ALRM" => SIGALRM,
        "TERM" => SIGTERM,
        _ => null,
    };

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
