using Chronos.Hypervisor.FileSystem;
using Microsoft.Extensions.Logging;

namespace Chronos.Fuse;

/// <summary>Every log event of Chronos.Fuse.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Mounted {MountPoint} (-o {Options}, {MaxThreads} libfuse threads)")]
    public static partial void Mounted(ILogger logger, string mountPoint, string options, int maxThreads);

    [LoggerMessage(2, LogLevel.Information, "Unmounted {MountPoint}")]
    public static partial void Unmounted(ILogger logger, string mountPoint);

    [LoggerMessage(3, LogLevel.Warning, "{MountPoint} is busy (errno {Errno}): detaching it lazily")]
    public static partial void LazyUnmount(ILogger logger, string mountPoint, int errno);

    [LoggerMessage(4, LogLevel.Error, "umount {MountPoint} failed with errno {Errno}")]
    public static partial void UnmountFailed(ILogger logger, string mountPoint, int errno);

    [LoggerMessage(5, LogLevel.Warning, "The loop of {MountPoint} did not end: aborting FUSE connection {Connection}")]
    public static partial void AbortingConnection(ILogger logger, string mountPoint, string connection);

    [LoggerMessage(6, LogLevel.Error, "Session of {MountPoint} still has {InFlight} unanswered requests: not freeing it")]
    public static partial void SessionLeaked(ILogger logger, string mountPoint, long inFlight);

    [LoggerMessage(7, LogLevel.Error, "A reply was sent twice; the second is dropped. {StackTrace}")]
    public static partial void DuplicateReply(ILogger logger, string stackTrace);

    [LoggerMessage(8, LogLevel.Debug, "fuse_reply failed with errno {Errno} (request interrupted)")]
    public static partial void ReplyFailed(ILogger logger, int errno);

    [LoggerMessage(9, LogLevel.Error, "An operation completed without replying: answered EIO")]
    public static partial void NoReply(ILogger logger);

    [LoggerMessage(10, LogLevel.Warning, "Operation failed with {Errno}: {Reason}")]
    public static partial void OperationFailed(ILogger logger, Errno errno, string reason);

    [LoggerMessage(11, LogLevel.Error, "Operation failed with an unexpected exception: answered EIO")]
    public static partial void OperationBug(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "No content origin for scheme '{Scheme}' (origin '{Origin}' of inode {Ino}): answered EIO")]
    public static partial void UnknownOrigin(ILogger logger, string scheme, string origin, ulong ino);

    [LoggerMessage(13, LogLevel.Warning, "Buffered writes of inode {Ino} failed with {Errno}; reported at the next write, flush or fsync")]
    public static partial void WriteBehindFailed(ILogger logger, ulong ino, Errno errno);

    [LoggerMessage(14, LogLevel.Information, "Populated {Directory} from the lower layer: {Count} entries")]
    public static partial void LowerPopulated(ILogger logger, string directory, int count);

    [LoggerMessage(15, LogLevel.Information, "Copied up inode {Ino} ({Bytes} bytes) from the lower layer")]
    public static partial void CopiedUp(ILogger logger, ulong ino, int bytes);

    [LoggerMessage(16, LogLevel.Warning, "Change feed of world {World} failed: {Reason}")]
    public static partial void ChangeFeedFailed(ILogger logger, string world, string reason);

    [LoggerMessage(17, LogLevel.Warning, "{MountPoint} is a stale FUSE mount (Transport endpoint is not connected): detaching it")]
    public static partial void StaleMount(ILogger logger, string mountPoint);

    [LoggerMessage(18, LogLevel.Information, "Released {Count} handles left by an earlier run of client {ClientId}")]
    public static partial void ReleasedStaleHandles(ILogger logger, int count, string clientId);

    [LoggerMessage(19, LogLevel.Information, "Created world {World} (lower directory {Lower})")]
    public static partial void WorldCreated(ILogger logger, string world, string? lower);

    [LoggerMessage(20, LogLevel.Error, "Mounting world {World} at {MountPoint} failed")]
    public static partial void MountFailed(ILogger logger, string world, string mountPoint, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Mount of world {World} at {MountPoint} ended unexpectedly: mounting it again")]
    public static partial void MountEnded(ILogger logger, string world, string mountPoint);

    [LoggerMessage(22, LogLevel.Warning, "Skipped lower entry {Path}: {Reason}")]
    public static partial void LowerEntrySkipped(ILogger logger, string path, string reason);

    [LoggerMessage(23, LogLevel.Warning, "Open handle of inode {Ino} reached Redis after this mount's handle lease ran out: the inode was freed by an unlink elsewhere ({Error})")]
    public static partial void HandleRegisteredTooLate(ILogger logger, ulong ino, Errno error);

    [LoggerMessage(24, LogLevel.Information, "Change notices of world {World} may have been lost ({Reason}): directories known whole are asked of Redis again")]
    public static partial void ChangeNoticesLost(ILogger logger, string world, string reason);

    [LoggerMessage(25, LogLevel.Information, "Released {Count} handles of client {ClientId} at unmount")]
    public static partial void ReleasedHandlesAtUnmount(ILogger logger, int count, string clientId);

    [LoggerMessage(26, LogLevel.Warning, "Could not release the handles of client {ClientId} at unmount ({Reason}); the next mount with this client id releases them")]
    public static partial void ReleaseAtUnmountFailed(ILogger logger, string clientId, string reason);
}
