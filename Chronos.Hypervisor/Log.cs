using Microsoft.Extensions.Logging;

namespace Chronos.Hypervisor;

/// <summary>Every log event of the Hypervisor.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Loaded script {Script} ({Sha}) on {Endpoint}")]
    public static partial void ScriptLoaded(ILogger logger, string script, string sha, string endpoint);

    [LoggerMessage(2, LogLevel.Information, "World {World} created (quota {QuotaBytes} bytes, {QuotaInodes} inodes)")]
    public static partial void WorldCreated(ILogger logger, string world, long quotaBytes, long quotaInodes);

    [LoggerMessage(3, LogLevel.Information, "World {World} deleted ({Keys} keys)")]
    public static partial void WorldDeleted(ILogger logger, string world, long keys);

    [LoggerMessage(4, LogLevel.Information, "World {World} reset")]
    public static partial void WorldReset(ILogger logger, string world);

    [LoggerMessage(5, LogLevel.Debug, "World {World} inode {Ino}: chunks changed under a {Op}, retry {Attempt}")]
    public static partial void ChunkRetry(ILogger logger, string world, ulong ino, string op, int attempt);

    [LoggerMessage(6, LogLevel.Warning, "World {World} fsck: {Count} violations, first: {First}")]
    public static partial void FsckViolations(ILogger logger, string world, int count, string first);

    [LoggerMessage(7, LogLevel.Warning, "World {World} inode {Ino}: gave up a {Op} after {Attempts} compare-and-set conflicts")]
    public static partial void ChunkContention(ILogger logger, string world, ulong ino, string op, int attempts);
}
