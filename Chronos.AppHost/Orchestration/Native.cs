using System.Runtime.InteropServices;

namespace Chronos.AppHost;

/// <summary>The two libc calls .NET does not expose: a signal other than SIGKILL, and the effective uid.</summary>
internal static partial class Native
{
    // asm-generic/signal.h
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    /// <summary>Sends a signal; false when the process is already gone (ESRCH).</summary>
    public static bool SendSignal(int pid, int signal) => Kill(pid, signal) == 0;

    public static uint GetEffectiveUserId() => GetEuid();
}
