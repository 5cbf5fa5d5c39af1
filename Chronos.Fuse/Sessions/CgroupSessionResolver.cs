using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Chronos.Fuse.Sessions;

/// <summary>
/// Finds a caller's session from its cgroup v2 path (/proc/&lt;pid&gt;/cgroup, the "0::" line):
/// the Gateway starts each session in a cgroup whose last path segment is
/// <c>chronos-session-&lt;id&gt;</c> (any depth, e.g. /chronos/chronos-session-42, or a child of
/// it). Answers are cached per pid and revalidated with the process start time
/// (/proc/&lt;pid&gt;/stat field 22), so a pid reused by another process is never attributed to
/// the old one's session. An answer is trusted without any procfs read for
/// <see cref="Trust"/> (a pid cannot be reused that fast: the kernel would have to hand out every
/// other pid first), so the common case costs one dictionary lookup; after that the start time
/// and the cgroup are read again, which also notices a process moved into a session's cgroup.
/// </summary>
public sealed class CgroupSessionResolver : ISessionResolver
{
    public const string SegmentPrefix = "chronos-session-";

    private readonly string _proc;
    /// <summary>How long an answer is used without looking at /proc again.</summary>
    public static readonly TimeSpan Trust = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<int, (ulong StartTime, string? Session, long CheckedAt)> _cache = new();

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
        var start = StartTimeOf(pid);
        if (start is null)
        {
            // Gone already (or a kernel-internal request): nothing to attribute.
            _cache.TryRemove(pid, out _);
            return null;
        }
        var session = SessionOf(pid);
        if (_cache.Count > 65536)
        {
            _cache.Clear();
        }
        _cache[pid] = (start.Value, session, now);
        return session;
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat, counted after the ')' that ends the command name (which may contain spaces).</summary>
    internal ulong? StartTimeOf(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "stat"), Encoding.ASCII);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        return ParseStartTime(text);
    }

    internal static ulong? ParseStartTime(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        // After ") " come fields 3, 4, …; field 22 is the 20th of them.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 20 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
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
