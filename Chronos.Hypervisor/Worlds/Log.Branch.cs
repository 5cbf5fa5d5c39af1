using Microsoft.Extensions.Logging;

namespace Chronos.Hypervisor;

/// <summary>Log events of world branching (kept beside the code that raises them).</summary>
internal static partial class Log
{
    [LoggerMessage(20, LogLevel.Information, "World {Target} branched from {Source} ({Keys} keys copied)")]
    public static partial void WorldBranched(ILogger logger, string source, string target, long keys);

    [LoggerMessage(21, LogLevel.Warning, "World {Target}: removed {Keys} keys left by an unfinished branch")]
    public static partial void BranchLeftoversRemoved(ILogger logger, string target, long keys);
}
