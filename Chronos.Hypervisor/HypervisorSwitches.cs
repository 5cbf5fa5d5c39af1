namespace Chronos.Hypervisor;

/// <summary>AppContext switches a host sets before its first Hypervisor call.</summary>
public static class HypervisorSwitches
{
    /// <summary>
    /// Callers of scripts that change state resume on the thread that received Redis's reply
    /// instead of on the thread pool (see Storage/ScriptLane.cs). Only for hosts where nothing run
    /// after a Hypervisor call blocks that thread: FUSE mount hosts (FuseHostTuning sets it).
    /// </summary>
    public const string InlineReplies = "Chronos.Redis.InlineReplies";
}
