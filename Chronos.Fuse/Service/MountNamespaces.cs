using System.Collections.Concurrent;
using Chronos.Hypervisor.Worlds;

namespace Chronos.Fuse.Service;

/// <summary>
/// Whether a mount is in use from another mount namespace. A sandbox (bubblewrap) binds its world's
/// mount as its own "/" in a namespace of its own: unmounting ours would not fail with EBUSY, it
/// would leave the sandbox on a connection about to be closed (ENOTCONN on every syscall). So
/// before an idle unmount every distinct mount namespace on the host is checked for the device.
/// </summary>
/// <remarks>
/// Reading another process's /proc entries can block in the kernel: measured here, readlink of
/// /proc/&lt;pid&gt;/ns/mnt hung for more than 30 s on a zombie thread-group leader whose other threads
/// were still exiting. So every probe runs on its own thread with a one-second deadline; a process
/// whose probe is still blocked is skipped (and not probed again until that probe returns), so a
/// stuck process neither stalls the reconcile loop nor piles up threads.
/// </remarks>
internal static class MountNamespaces
{
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(1);
    private static readonly ConcurrentDictionary<string, Task> Stuck = new(StringComparer.Ordinal);

    /// <summary>
    /// True when a process in a mount namespace other than this one has <paramref name="device"/>
    /// mounted anywhere but at <paramref name="mountPoint"/>. A copy at the same path is a snapshot
    /// of this namespace's tree taken when a namespace was created (slave copies follow our unmount
    /// by propagation), not a user of the world.
    /// </summary>
    public static async Task<bool> HoldElsewhereAsync(string device, string mountPoint)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (await ProbeAsync("self", () => NamespaceOf("self")) is { } own)
        {
            seen.Add(own);
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (pid.Length == 0 || pid.AsSpan().ContainsAnyExceptInRange('0', '9') || Stuck.ContainsKey(pid))
            {
                continue;
            }
            if (await ProbeAsync(pid, () => NamespaceOf(pid)) is not { } ns || !seen.Add(ns))
            {
                continue;
            }
            var entries = await ProbeAsync(pid, () => MountInfo.Read(pid));
            if (entries?.Any(e => e.Device == device && e.MountPoint != mountPoint) == true)
            {
                return true;
            }
        }
        return false;
    }

    private static async Task<T?> ProbeAsync<T>(string pid, Func<T?> read) where T : class
    {
        var probe = Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        try
        {
            return await probe.WaitAsync(ProbeDeadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Stuck[pid] = probe;
            _ = probe.ContinueWith(_ => Stuck.TryRemove(pid, out Task? _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return null;
        }
    }

    /// <summary>"mnt:[4026531841]" for a live process; null when it is gone or not ours to read.</summary>
    private static string? NamespaceOf(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
