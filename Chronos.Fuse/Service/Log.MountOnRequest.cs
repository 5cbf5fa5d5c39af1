using Microsoft.Extensions.Logging;

namespace Chronos.Fuse;

/// <summary>Log events of mounts on request (ids 40–49).</summary>
internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Information, "Mounted world {World} at {MountPoint} on request")]
    public static partial void MountedOnRequest(ILogger logger, string world, string mountPoint);

    [LoggerMessage(41, LogLevel.Information, "Unmounted world {World} from {MountPoint}: {Reason}")]
    public static partial void UnmountedOnRequest(ILogger logger, string world, string mountPoint, string reason);

    [LoggerMessage(42, LogLevel.Information, "Kept world {World} mounted at {MountPoint} although nothing requests it: {Reason}")]
    public static partial void KeptBusyMount(ILogger logger, string world, string mountPoint, string reason);

    [LoggerMessage(43, LogLevel.Warning, "A mount of world {World} was requested, but the catalog has no such (ready) world")]
    public static partial void RequestedWorldMissing(ILogger logger, string world);

    [LoggerMessage(44, LogLevel.Warning, "Reconciling mount requests failed; retrying")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);
}
