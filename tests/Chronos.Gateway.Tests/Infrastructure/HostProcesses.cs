using System.Globalization;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>The host's view of processes, read from the host's /proc: what a sandbox must never be able to touch.</summary>
public static class HostProcesses
{
    /// <summary>Waits until a process with exactly this argument vector exists; returns its host pid.</summary>
    public static async Task<int> WaitForAsync(IReadOnlyList<string> argv, TimeSpan? timeout = null)
    {
        var wanted = string.Join('\0', argv) + "\0";
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            foreach (var pid in All())
            {
                if (Read($"/proc/{pid}/cmdline") == wanted)
                {
                    return pid;
                }
            }
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>Waits until a process whose command line contains <paramref name="marker"/> exists; returns its host pid.</summary>
    public static async Task<int> WaitForMarkerAsync(string marker, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            foreach (var pid in All())
            {
                if (Read($"/proc/{pid}/cmdline")?.Contains(marker, StringComparison.Ordinal) == true)
                {
                    return pid;
                }
            }
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    public static async Task WaitForExitAsync(int pid, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (IsAlive(pid))
        {
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>True while the pid exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) =>
        Read($"/proc/{pid}/stat") is { } stat && stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;

    /// <summary>
    /// The cgroup v1 directory of one controller (or the v2 directory, for "") that holds a pid,
    /// as the host sees it: /proc/&lt;pid&gt;/cgroup read from outside any cgroup namespace.
    /// </summary>
    public static string? CgroupDirectory(int pid, string controller)
    {
        var lines = Read($"/proc/{pid}/cgroup")?.Split('\n') ?? [];
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller))
            {
                var root = controller.Length == 0 ? (Directory.Exists("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup") : "/sys/fs/cgroup/" + controller;
                return root + parts[2];
            }
        }
        return null;
    }

    private static IEnumerable<int> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended meanwhile
        }
    }
}
