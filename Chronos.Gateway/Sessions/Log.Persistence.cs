using Microsoft.Extensions.Logging;

namespace Chronos.Gateway;

/// <summary>Log events of world assignment and mount leases (ids 120–129).</summary>
internal static partial class Log
{
    [LoggerMessage(120, LogLevel.Information, "Session {Session}: world {World} branched from {BaseWorld} ({Policy})")]
    public static partial void WorldBranchCreated(ILogger logger, string session, string world, string baseWorld, string policy);

    [LoggerMessage(121, LogLevel.Debug, "Session {Session}: waiting for world {World}, which another login is branching")]
    public static partial void WaitingForBranch(ILogger logger, string session, string world);

    [LoggerMessage(122, LogLevel.Information, "Per-session world {World} deleted at session end")]
    public static partial void SessionWorldDeleted(ILogger logger, string world);

    [LoggerMessage(123, LogLevel.Warning, "Per-session world {World} kept: {MountPoint} is still mounted (a process still uses it); delete it once unmounted")]
    public static partial void SessionWorldKeptMounted(ILogger logger, string world, string mountPoint);

    [LoggerMessage(124, LogLevel.Warning, "Renewing mount leases failed; retrying at the next renewal")]
    public static partial void MountLeaseRenewalFailed(ILogger logger, Exception exception);
}
