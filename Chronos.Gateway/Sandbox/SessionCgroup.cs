using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// The cgroups that hold every process of one session: the pids controller bounds a fork bomb,
/// the memory controller a memory bomb, and membership is how the session is found again (the
/// FUSE layer attributes a syscall by reading /proc/&lt;pid&gt;/cgroup, and ending the session
/// kills exactly its processes). Uses cgroup v1 controllers under /sys/fs/cgroup/&lt;controller&gt;
/// when they are mounted (this machine), else cgroup v2 at /sys/fs/cgroup.
/// </summary>
public sealed class SessionCgroup : IDisposable
{
    /// <summary>The directory name under each controller that holds all sessions.</summary>
    public const string ParentName = "chronos";

    /// <summary>
    /// How long disposal keeps trying to remove the session's cgroups: a killed process lingers in
    /// cgroup.procs for milliseconds, one stuck in the kernel (a FUSE request) longer.
    /// </summary>
    public static readonly TimeSpan RemoveWait = TimeSpan.FromSeconds(5);

    private readonly string[] _directories;
    private readonly string? _freezer;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    private SessionCgroup(string sessionId, string[] directories, string? freezer, ILogger logger)
    {
        SessionId = sessionId;
        _directories = directories;
        _freezer = freezer;
        _logger = logger;
    }

    public string SessionId { get; }

    /// <summary>The cgroup directories a new process must join (written to cgroup.procs).</summary>
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>Creates the session's cgroups with its limits; null when this host has no usable controller.</summary>
    public static SessionCgroup? TryCreate(string sessionId, SandboxLimits limits, string cgroupRoot = "/sys/fs/cgroup", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        logger ??= NullLogger.Instance;
        if (!IsSafeName(sessionId))
        {
            throw new ArgumentException("session id must be [A-Za-z0-9_-]{1,64}", nameof(sessionId));
        }

        var pids = Path.Combine(cgroupRoot, "pids");
        var memory = Path.Combine(cgroupRoot, "memory");
        if (File.Exists(Path.Combine(pids, "cgroup.procs")) && File.Exists(Path.Combine(memory, "cgroup.procs")))
        {
            var pidsDir = CreateChild(pids, sessionId);
            var memoryDir = CreateChild(memory, sessionId);
            Write(pidsDir, "pids.max", limits.MaxProcesses);
            Write(memoryDir, "memory.limit_in_bytes", limits.MemoryBytes);
            // Memory plus swap, so a bomb is killed at the limit instead of pushing the host into
            // swap; the file exists only when the kernel accounts swap, and must follow the above.
            if (File.Exists(Path.Combine(memoryDir, "memory.memsw.limit_in_bytes")))
            {
                Write(memoryDir, "memory.memsw.limit_in_bytes", limits.MemoryBytes);
            }
            // The freezer makes signalling race-free: a frozen process cannot exit, so its pid
            // cannot be reused by someone else's process between listing it and killing it
            // (pid_max is 32768 here, and a fork bomb wraps that in seconds).
            List<string> directories = [pidsDir, memoryDir];
            var freezerRoot = Path.Combine(cgroupRoot, "freezer");
            string? freezer = null;
            if (File.Exists(Path.Combine(freezerRoot, "cgroup.procs")))
            {
                freezer = CreateChild(freezerRoot, sessionId);
                directories.Add(freezer);
            }
            // Hybrid hosts (this one) also have a controller-less cgroup v2 tree: membership there
            // is what Chronos.Fuse reads (the "0::" line of /proc/<pid>/cgroup) to attribute each
            // syscall to its session, and its cgroup.kill ends the session atomically.
            var unified = Path.Combine(cgroupRoot, "unified");
            if (File.Exists(Path.Combine(unified, "cgroup.procs")))
            {
                directories.Add(CreateChild(unified, sessionId));
            }
            return new SessionCgroup(sessionId, [.. directories], freezer, logger);
        }

        var controllers = Path.Combine(cgroupRoot, "cgroup.controllers");
        if (File.Exists(controllers) && File.ReadAllText(controllers).Split(' ', StringSplitOptions.TrimEntries) is var available
            && available.Contains("pids") && available.Contains("memory"))
        {
            var parent = Path.Combine(cgroupRoot, ParentName);
            Directory.CreateDirectory(parent);
            File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "+pids +memory");
            var dir = CreateChild(cgroupRoot, sessionId);
            Write(dir, "pids.max", limits.MaxProcesses);
            Write(dir, "memory.max", limits.MemoryBytes);
            // memory.max bounds RAM only: without this a bomb fills the host's swap instead of dying.
            if (File.Exists(Path.Combine(dir, "memory.swap.max")))
            {
                Write(dir, "memory.swap.max", 0);
            }
            return new SessionCgroup(sessionId, [dir], null, logger);
        }
        return null;
    }

    /// <summary>Every pid in the session right now.</summary>
    public IReadOnlyList<int> Processes()
    {
        var pids = new HashSet<int>();
        foreach (var dir in _directories)
        {
            try
            {
                foreach (var line in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
                {
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    {
                        pids.Add(pid);
                    }
                }
            }
            catch (IOException)
            {
            }
        }
        return [.. pids];
    }

    /// <summary>Times the pids controller refused a fork (pids.events "max"): how often a fork bomb hit the wall.</summary>
    public long ForkRefusals()
    {
        foreach (var dir in _directories)
        {
            var events = Path.Combine(dir, "pids.events");
            if (File.Exists(events))
            {
                foreach (var line in File.ReadAllLines(events))
                {
                    if (line.StartsWith("max ", StringComparison.Ordinal))
                    {
                        return long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// Sends a signal to every process of the session but <paramref name="except"/>, without
    /// ever hitting a process outside it: with cgroup v2 the kernel kills atomically
    /// (cgroup.kill); with v1 the session is frozen while its pids are signalled.
    /// </summary>
    public void SignalAll(int signal, int except = -1)
    {
        if (!_disposed)
        {
            SignalAllFrozen(signal, except);
        }
    }

    private void SignalAllFrozen(int signal, int except = -1)
    {
        Freeze(true);
        try
        {
            foreach (var pid in Processes())
            {
                if (pid != except)
                {
                    Signals.Kill(pid, signal);
                }
            }
        }
        finally
        {
            Freeze(false);
        }
    }

    /// <summary>SIGKILLs every process of the session and waits until none is left.</summary>
    public void KillAll()
    {
        foreach (var dir in _directories)
        {
            var kill = Path.Combine(dir, "cgroup.kill");
            if (File.Exists(kill))
            {
                File.WriteAllText(kill, "1");
            }
        }
        // A fork bomb keeps forking until it is frozen; each pass kills everything that exists,
        // and the pids limit bounds how many can appear meanwhile.
        for (var pass = 0; pass < 1000 && Processes().Count > 0; pass++)
        {
            SignalAllFrozen(Signals.SIGKILL);
            Thread.Yield();
        }
    }

    private void Freeze(bool frozen)
    {
        if (_freezer is null)
        {
            return;
        }
        var state = Path.Combine(_freezer, "freezer.state");
        var wanted = frozen ? "FROZEN" : "THAWED";
        try
        {
            File.WriteAllText(state, wanted);
            // FREEZING until every task has stopped; bounded so a stuck task cannot hang the Gateway.
            for (var spin = 0; spin < 10_000 && File.ReadAllText(state).Trim() != wanted; spin++)
            {
                Thread.Yield();
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            // The session's cgroup was removed meanwhile: its processes are gone.
        }
    }

    /// <summary>
    /// Kills what is left of the session and removes its cgroups. Never throws: a cgroup that
    /// cannot be removed within <see cref="RemoveWait"/> (a process that will not die) is logged
    /// with its path and left for the operator; the session is over either way.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        TryKillAll();
        var clock = Stopwatch.StartNew();
        foreach (var dir in _directories)
        {
            Remove(dir, clock);
        }
    }

    private void Remove(string dir, Stopwatch clock)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // EBUSY while a process is still listed in it (or a child cgroup exists).
                if (clock.Elapsed >= RemoveWait)
                {
                    Chronos.Gateway.Log.CgroupLeftBehind(_logger, e, SessionId, dir, Processes().Count);
                    return;
                }
                if (attempt % 100 == 0)
                {
                    // Something survived the kill (or was between fork and exit): kill again.
                    TryKillAll();
                }
                // Yield first (a killed process leaves within microseconds), then sleep a little.
                if (attempt < 50)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.Sleep(5);
                }
            }
        }
    }

    private void TryKillAll()
    {
        try
        {
            KillAll();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Chronos.Gateway.Log.CgroupKillFailed(_logger, e, SessionId);
        }
    }

    /// <summary>The directory name of a session's cgroup; Chronos.Fuse's session resolver matches this prefix.</summary>
    public const string SessionPrefix = "chronos-session-";

    private static string CreateChild(string controllerRoot, string sessionId)
    {
        var dir = Path.Combine(controllerRoot, ParentName, SessionPrefix + sessionId);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Write(string dir, string file, long value) =>
        File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

    internal static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
