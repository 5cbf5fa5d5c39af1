using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Tests;

/// <summary>Redis itself killed (SIGKILL) under load and restarted from its append-only file: the
/// world it comes back with passes fsck, because every change was one script.</summary>
public sealed class RedisCrashTests
{
    [Fact]
    public async Task Redis_killed_mid_series_restarts_with_a_clean_world()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        var world = "aof";
        await using (var redis = await server.ConnectAsync())
        {
            var catalog = new WorldCatalog(redis);
            await catalog.CreateAsync(new WorldSpec(world));
            var fs = catalog.Open(world, "writer");
            var completed = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                var ctx = new OpContext("w" + w, 0, 0);
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var name = "f" + random.Next(30);
                        var f = await fs.MknodAsync(1, name, FileModes.S_IFREG | 0x1A4, 0, ctx);
                        var target = f.IsOk ? f.Value.Ino : (await fs.LookupAsync(1, name)).Value.Ino;
                        var data = new byte[random.Next(1, 150_000)];
                        random.NextBytes(data);
                        await fs.WriteAsync(target, random.Next(0, 100_000), data, ctx);
                        await fs.RenameAsync(1, name, 1, "f" + random.Next(30), RenameFlags.None, ctx);
                        if (random.Next(3) == 0)
                        {
                            await fs.UnlinkAsync(1, "f" + random.Next(30), ctx);
                        }
                        if (Interlocked.Increment(ref completed) == 200)
                        {
                            enough.TrySetResult();
                        }
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
                    {
                        // Redis went away under this writer: the world must not care.
                        if (stop.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }
            })).ToArray();

            // Kill Redis while all eight writers are mid-series (after 200 completed iterations).
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(90));
            await server.StopAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.True(completed >= 200, $"only {completed} iterations ran before the kill");
        }

        try
        {
            await server.StartAsync();
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("LOADING", StringComparison.Ordinal))
        {
            // The server is up and replaying its append-only file (RedisServer's probe counts only
            // connection errors as "not yet"); wait for the replay below.
        }
        await using var after = await server.ConnectAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
        {
            while (true)
            {
                try
                {
                    await after.GetDatabase().PingAsync();
                    break;
                }
                catch (RedisServerException ex) when (ex.Message.StartsWith("LOADING", StringComparison.Ordinal))
                {
                    await poll.WaitForNextTickAsync(deadline.Token);
                }
            }
        }
        var report = await new WorldCatalog(after).FsckAsync(world);
        Assert.True(report.Clean, report.ToString());
        Assert.True(report.Inodes > 1);
    }
}
