using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Chronos.Fuse.Sessions;

/// <summary>
/// Finds a caller's session from its cgroup v2 path (/proc/&lt;pid&gt;/cgroup, the "0::" line):
/// the Gateway starts each session in a cgroup whose last path segment is
/// <c>chronos-session-&lt;id&gt;</c> (any depth, e.g. /chronos/chronos-session-42, or a child of
/// it). Answers are cached per pid for <see cref="Trust"/> (a pid cannot be reused that fast: the
/// kernel would have to hand out every other pid first), so the common case costs one dictionary
/// lookup; after that the cgroup is read again, which answers for whoever holds the pid then and
/// notices a process moved into a session's cgroup.
/// </summary>
public sealed class CgroupSessionResolver : ISessionResolver
{
    public const string SegmentPrefix = "chronos-session-";

    private readonly string _proc;
    /// <summary>How long an answer is used without looking at /proc again.</summary>
    public static readonly TimeSpan Trust = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<int, (string? Session, long CheckedAt)> _cache = new();

    public CgroupSessionResolver(string procRoot = "/proc")
    {
        _proc = procRoot;
    }

    public int CacheSize => _cache.Count;

    public string? Resolve(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(pid, out var cached) && now - cached.CheckedAt < Trust.TotalMilliseconds)
        {
            return cached.Session;
        }
        // Only /proc/<pid>/cgroup is read, never /proc/<pid>/stat: reading stat of a process
        // that is in execve waits for the exec to finish, and an exec that closes a descriptor on
        // this mount waits for our FLUSH reply, so that read deadlocked the mount (seen: the Gateway
        // forking a sandbox while it had a world file open). The cgroup file reads without that lock.
        var session = SessionOf(pid);
        if (_cache.Count > 65536)
        {
            _cache.Clear();
        }
        _cache[pid] = (session, now);
        return session;
    }

    private string? SessionOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "cgroup")))
            {
                if (line.StartsWith("0::", StringComparison.Ordinal))
                {
                    return ParseCgroupPath(line[3..]);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>The id of the innermost path segment named chronos-session-&lt;id&gt;, or null.</summary>
    internal static string? ParseCgroupPath(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].StartsWith(SegmentPrefix, StringComparison.Ordinal) && segments[i].Length > SegmentPrefix.Length)
            {
                return segments[i][SegmentPrefix.Length..];
            }
        }
        return null;
    }
}
