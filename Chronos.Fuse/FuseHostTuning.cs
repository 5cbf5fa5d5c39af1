namespace Chronos.Fuse;

/// <summary>
/// Runtime settings for a process that mounts worlds, applied at the top of its Main (before any
/// socket or thread-pool worker exists, since the runtime reads both once):
/// <list type="bullet">
/// <item>Socket completions run on the runtime's epoll thread instead of being handed to the
/// thread pool (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>).</item>
/// <item>Idle thread-pool workers block at once instead of spinning with sched_yield for new work
/// (<c>System.Threading.ThreadPool.UnfairSemaphoreSpinLimit</c> 0).</item>
/// <item>Callers of the Hypervisor's script lane resume on the thread that received the reply
/// (<see cref="Hypervisor.HypervisorSwitches.InlineReplies"/>): with the first
/// setting, that is the epoll thread, so a create's reply reaches the kernel without waking any
/// other thread of the mount.</item>
/// </list>
/// A mount waits on Redis for nearly every FUSE request, and on this project's 2-core machines
/// each hand-over between threads is a wake-up the other processes (redis-server, the sessions)
/// pay for. Measured with bench/Chronos.Bench/fuse-cpu.sh, three alternating pairs of 10,000
/// creates from one process: the mount's CPU per create 424–502 µs without, 291–349 µs with
/// (about a third less); the create rate itself did not change beyond the noise (2,697–3,188/s
/// with, 2,735–3,455/s without). Safe here because nothing a completion runs blocks:
/// StackExchange.Redis parses replies and completes tasks, and a FUSE reply is one writev. Not
/// for other hosts: the Gateway's SSH sessions would share one thread for their crypto, and a
/// client that only calls Redis (the Hypervisor bench) lost 12 % of its create rate without
/// spinning.
/// </summary>
public static class FuseHostTuning
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string SpinLimitSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>Applies each, unless the environment or the runtime configuration already decided.</summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
        if (AppContext.GetData(SpinLimitSetting) is null && Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is null)
        {
            AppContext.SetData(SpinLimitSetting, 0);
        }
        if (!AppContext.TryGetSwitch(Hypervisor.HypervisorSwitches.InlineReplies, out _))
        {
            AppContext.SetSwitch(Hypervisor.HypervisorSwitches.InlineReplies, true);
        }
    }
}
