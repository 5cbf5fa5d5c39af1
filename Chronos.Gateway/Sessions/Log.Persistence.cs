using Microsoft.Extensions.Logging;

namespace Chronos.Gateway;

/// <summary>Log events of world assignment (ids 120–129).</summary>
internal static partial class Log
{
    [LoggerMessage(120, LogLevel.Information, "Session {Session}: world {World} branched from {BaseWorld} ({Policy})")]
    public static partial void WorldBranchCreated(ILogger logger, string session, string world, string baseWorld, string policy);

    [LoggerMessage(121, LogLevel.Debug, "Session {Session}: waiting for world {World}, which another login is branching")]
    public static partial void WaitingForBranch(ILogger logger, string session, string world);

    [LoggerMessage(122, LogLevel.Information, "Per-session world {World} deleted at session end")]
    public static partial void SessionWorldDeleted(ILogger logger, string world);
}
