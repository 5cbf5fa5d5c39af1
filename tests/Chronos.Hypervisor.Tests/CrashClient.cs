using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// The test assembly's own entry point (the test host never calls it): <c>dotnet
/// Chronos.Hypervisor.Tests.dll crash-client &lt;redis&gt; &lt;world&gt; &lt;client id&gt;</c> runs an endless
/// series of mutations, printing a line per 100, so a test can kill it (SIGKILL) mid-series.
/// </summary>
public static class CrashClient
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 4 || args[0] != "crash-client")
        {
            await Console.Error.WriteLineAsync("usage: crash-client <redis> <world> <client id>");
            return 2;
        }
        using var redis = await ConnectionMultiplexer.ConnectAsync(args[1]);
        var fs = new WorldCatalog(redis).Open(args[2], args[3]);
        var ctx = new OpContext("crash", 0, 0);
        var random = new Random();
        for (var step = 0; ; step++)
        {
            // Sixteen concurrent operations at a time, so the kill lands with many scripts in flight.
            await Task.WhenAll(Enumerable.Range(0, 16).Select(i => OneAsync(fs, ctx, new Random(random.Next()))));
            if (step % 4 == 0)
            {
                Console.WriteLine($"step {step}");
            }
        }
    }

    private static async Task OneAsync(IWorldFileSystem fs, OpContext ctx, Random random)
    {
        var name = "f" + random.Next(20);
        switch (random.Next(6))
        {
            case 0:
                await fs.MknodAsync(1, name, FileModes.S_IFREG | 0x1A4, 0, ctx);
                break;
            case 1:
                var d = await fs.MkdirAsync(1, "d" + random.Next(5), 0x1ED, ctx);
                if (d.IsOk)
                {
                    await fs.MknodAsync(d.Value.Ino, name, FileModes.S_IFREG | 0x1A4, 0, ctx);
                }
                break;
            case 2:
                await fs.RenameAsync(1, name, 1, "f" + random.Next(20), RenameFlags.None, ctx);
                break;
            case 3:
                var f = await fs.LookupAsync(1, name);
                if (f.IsOk && f.Value.Kind == FileKind.Regular)
                {
                    var data = new byte[random.Next(1, 300_000)];
                    random.NextBytes(data);
                    await fs.WriteAsync(f.Value.Ino, random.Next(0, 200_000), data, ctx);
                }
                break;
            case 4:
                // Open, then unlink: a crash here leaves an orphan that only its handle keeps alive.
                var o = await fs.LookupAsync(1, name);
                if (o.IsOk && o.Value.Kind == FileKind.Regular && (await fs.OpenAsync(o.Value.Ino, ctx)).IsOk)
                {
                    await fs.UnlinkAsync(1, name, ctx);
                    await fs.WriteAsync(o.Value.Ino, 0, new byte[70_000], ctx);
                    if (random.Next(2) == 0)
                    {
                        await fs.ReleaseAsync(o.Value.Ino, ctx);
                    }
                }
                break;
            default:
                await fs.UnlinkAsync(1, name, ctx);
                break;
        }
    }
}
