using System.Diagnostics;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Hypervisor.Tests;

/// <summary>A client process killed with SIGKILL in the middle of a mutation series leaves a world fsck passes.</summary>
public sealed class CrashTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_client_killed_mid_series_leaves_a_clean_world()
    {
        var fs = await redis.NewWorldAsync();
        const string clientId = "crashing-mount";
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { typeof(CrashClient).Assembly.Location, "crash-client", redis.Server.ConnectionString, fs.World, clientId })
        {
            startInfo.ArgumentList.Add(a);
        }
        using var process = Process.Start(startInfo)!;
        var lines = 0;
        var enough = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Interlocked.Increment(ref lines) == 10)
            {
                enough.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            var finished = await Task.WhenAny(enough.Task, process.WaitForExitAsync(deadline.Token));
            if (finished != enough.Task)
            {
                process.Kill();
                Assert.Fail($"the crash client stopped or hung before 10 progress lines: {await stderr}");
            }
        }
        // SIGKILL: no finally blocks, no connection shutdown, scripts in flight.
        process.Kill();
        await process.WaitForExitAsync();

        var report = await redis.Catalog.FsckAsync(fs.World);
        Assert.True(report.Clean, report.ToString());
        Assert.True(report.Inodes > 1);

        // The mount restarts with the same client id: its stale handles go, and the orphans with them.
        var restarted = redis.Catalog.Open(fs.World, clientId);
        await restarted.ReleaseAllHandlesAsync();
        await redis.AssertCleanAsync(fs.World);
        var db = redis.Redis.GetDatabase();
        Assert.Equal(0, await db.SetLengthAsync($"chronos:{{{fs.World}}}:orphans"));
        Assert.Equal(0, await db.HashLengthAsync($"chronos:{{{fs.World}}}:handles"));
    }
}
