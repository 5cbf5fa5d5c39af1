using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Logging;

namespace Chronos.Bench;

/// <summary>
/// `fuse-hold`: mounts a bench world over its own redis-server, exactly as `fuse` does, prints the
/// mount point and redis port, and keeps them until stdin closes: for profiling one workload by
/// hand (strace -T, perf, dotnet-trace -p on this process).
/// Usage: fuse-hold [mountPoint=/tmp/chronos-hold]
/// </summary>
internal static class FuseHold
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mountPoint = args.Length > 0 ? args[0] : "/tmp/chronos-hold";
        Directory.CreateDirectory(mountPoint);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await redis.ConnectAsync();
        var undo = new Stack<Func<Task>>();
        await FuseBench.ChronosAsync(new WorldCatalog(connection), connection, "hold", mountPoint, null, loggers, undo);
        try
        {
            Console.WriteLine($"mounted {mountPoint} (redis port {redis.Port}, pid {Environment.ProcessId}); close stdin to unmount");
            await Console.In.ReadToEndAsync();
        }
        finally
        {
            while (undo.Count > 0)
            {
                await undo.Pop()();
            }
        }
        return 0;
    }
}
