using Microsoft.Extensions.Logging;

namespace Chronos.Gateway;

/// <summary>Log events of sandboxed sessions (ids 100–119).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Session {Session}: sandbox started in world {World} as {User} (host pid {Pid})")]
    public static partial void SessionStarted(ILogger logger, string session, string world, string user, int pid);

    [LoggerMessage(101, LogLevel.Information, "Session {Session}: program exited with {Status} (time limit reached: {TimedOut})")]
    public static partial void SessionEnded(ILogger logger, string session, int status, bool timedOut);

    [LoggerMessage(102, LogLevel.Warning, "Session {Session}: transcript could not be opened; the session goes on without one")]
    public static partial void TranscriptFailed(ILogger logger, Exception exception, string session);

    [LoggerMessage(104, LogLevel.Warning, "Session {Session}: typed line {Line} could not be audited; the session goes on")]
    public static partial void CommandAuditFailed(ILogger logger, Exception exception, string session, string line);

    [LoggerMessage(103, LogLevel.Warning, "Added root:{Shift}:65536 to /etc/subuid and /etc/subgid: sandboxes map persona ids onto that host range")]
    public static partial void SubordinateIdsAdded(ILogger logger, uint shift);

    [LoggerMessage(105, LogLevel.Warning, "Session {Session}: killing its processes through the cgroup failed")]
    public static partial void CgroupKillFailed(ILogger logger, Exception exception, string session);

    [LoggerMessage(106, LogLevel.Warning, "Session {Session}: cgroup {Directory} could not be removed ({Processes} processes still in it); left in place")]
    public static partial void CgroupLeftBehind(ILogger logger, Exception exception, string session, string directory, int processes);
}
