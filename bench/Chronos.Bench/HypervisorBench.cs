using System.Globalization;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Bench;

/// <summary>
/// The Hypervisor's verbs against a redis-server started here, and redis-benchmark against the
/// same server in the same run, so the numbers read as ratios to what Redis itself does on this box.
/// Args: [scale] multiplies the operation counts (default 1); [creates] after it runs only the
/// creates (and redis-benchmark), for iterating on the create path.
/// Every measurement runs its operations once untimed first (creates into a directory of their
/// own): the numbers are of code the JIT has finished tiering up, as in a service that has been
/// running for a while, not of its first seconds.
/// </summary>
internal static class HypervisorBench
{
    private const uint File = FileModes.S_IFREG | 0x1A4;
    private static readonly OpContext Context = new("bench", 0, 0);

    public static async Task<int> RunAsync(string[] args)
    {
        var scale = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.0;
        var createsOnly = args.Length > 1 && args[1] == "creates";
        int N(int n) => Math.Max(100, (int)(n * scale));
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var catalog = new WorldCatalog(redis);
        await catalog.CreateAsync(new WorldSpec("bench") { QuotaBytes = 1L << 40, QuotaInodes = 100_000_000 });
        var fs = catalog.Open("bench", "bench");
        Console.WriteLine($"redis-server {server.ConnectionString}, {Environment.ProcessorCount} cores, load average {System.IO.File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();

        var results = new List<Measurement>();
        foreach (var callers in new[] { 1, 64 })
        {
            var creates = N(callers == 1 ? 5_000 : 100_000);
            var warm = (await fs.MkdirAsync(1, "warm" + callers, 0x1ED, Context)).Value.Ino;
            await Measurement.RunAsync("(warm-up)", callers, creates, async i =>
                Check(await fs.MknodAsync(warm, "f" + i.ToString(CultureInfo.InvariantCulture), File, 0, Context)));
            var dir = (await fs.MkdirAsync(1, "create" + callers, 0x1ED, Context)).Value.Ino;
            var before = await ScriptCallsAsync(redis);
            var cpuBefore = await CpuAsync(redis);
            results.Add(await MeasureAsync(redis, "create (mknod)", callers, creates, async i =>
                Check(await fs.MknodAsync(dir, "f" + i.ToString(CultureInfo.InvariantCulture), File, 0, Context)), warmUp: false));
            var after = await ScriptCallsAsync(redis);
            var cpuAfter = await CpuAsync(redis);
            Console.WriteLine($"  {callers} callers: {(after.Calls - before.Calls) / (double)creates:F2} EVALSHA per create; CPU per create: redis-server {(cpuAfter.Server - cpuBefore.Server) / creates:F1} us (of it in scripts {(after.Micros - before.Micros) / (double)creates:F1} us), this client {(cpuAfter.Client - cpuBefore.Client) / creates:F1} us");
            if (createsOnly)
            {
                Print(results[^1..]);
                continue;
            }
            var lookups = N(callers == 1 ? 10_000 : 100_000);
            results.Add(await MeasureAsync(redis, "lookup+getattr", callers, lookups, async i =>
                Check(await fs.LookupAsync(dir, "f" + (i % creates).ToString(CultureInfo.InvariantCulture)))));
            results.Add(await MeasureAsync(redis, "getattr", callers, lookups, async i =>
                Check(await fs.GetAttrAsync((ulong)(i % creates) + dir + 1))));
            Print(results[^3..]);
        }

        if (!createsOnly)
        {
            await VerbsAsync(fs, redis, results, N);
        }

        Console.WriteLine();
        Console.WriteLine("redis-benchmark against the same server:");
        await RedisBenchmarkAsync(server, "-t", "set,get,incr", "-n", N(200_000).ToString(CultureInfo.InvariantCulture), "-c", "64", "-P", "1", "-q");
        await RedisBenchmarkAsync(server, "-t", "get", "-n", N(20_000).ToString(CultureInfo.InvariantCulture), "-c", "1", "-P", "1", "-q");
        var sha = (string)(await redis.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", "return 1"))!;
        await RedisBenchmarkAsync(server, "-n", N(200_000).ToString(CultureInfo.InvariantCulture), "-c", "64", "-P", "1", "-q", "EVALSHA", sha, "0");
        await RedisBenchmarkAsync(server, "-n", N(20_000).ToString(CultureInfo.InvariantCulture), "-c", "1", "-P", "1", "-q", "EVALSHA", sha, "0");

        var stats = (string)(await redis.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        Console.WriteLine();
        Console.WriteLine("script commands seen by the server (EVALSHA_RO = read-only scripts):");
        foreach (var line in stats.Split('\n').Where(l => l.StartsWith("cmdstat_eval", StringComparison.Ordinal)))
        {
            Console.WriteLine("  " + line.Trim());
        }
        var report = await catalog.FsckAsync("bench");
        Console.WriteLine();
        Console.WriteLine($"fsck after the run: {(report.Clean ? "clean" : report.Violations.Count + " violations")}, {report.Inodes} inodes, {report.Chunks} chunks");
        return report.Clean ? 0 : 1;
    }

    /// <summary>Every verb but create: lookups, readdir, 4 KiB writes and reads.</summary>
    private static async Task VerbsAsync(IWorldFileSystem fs, ConnectionMultiplexer redis, List<Measurement> results, Func<int, int> N)
    {
        var big = (await fs.MkdirAsync(1, "big", 0x1ED, Context)).Value.Ino;
        await Measurement.RunAsync("(fill 10,000 entries)", 64, 10_000, async i => Check(await fs.MknodAsync(big, "entry" + i.ToString(CultureInfo.InvariantCulture), File, 0, Context)));
        foreach (var callers in new[] { 1, 64 })
        {
            var m = await MeasureAsync(redis, "readdir 10,000 (pages of 256)", callers, callers == 1 ? N(20) : N(128), async _ =>
            {
                long cookie = 0;
                var count = 0;
                while (true)
                {
                    var page = (await fs.ReadDirAsync(big, cookie, 256, withAttributes: true)).Value;
                    count += page.Entries.Count;
                    if (page.End)
                    {
                        break;
                    }
                    cookie = page.Entries[^1].NextCookie;
                }
                if (count != 10_002)
                {
                    throw new InvalidOperationException($"listed {count} entries");
                }
            });
            results.Add(m);
            Print([m]);
            Console.WriteLine($"  = {m.PerSecond * 10_000:N0} entries/s with attributes");
        }

        const long fileSize = 64L << 20;
        var files = new ulong[64];
        var block = new byte[4096];
        new Random(1).NextBytes(block);
        var whole = new byte[1 << 20];
        new Random(2).NextBytes(whole);
        for (var f = 0; f < files.Length; f++)
        {
            files[f] = (await fs.MknodAsync(1, "data" + f, File, 0, Context)).Value.Ino;
        }
        // Fill the files in 1 MiB writes (whole chunks: no read before write).
        await Measurement.RunAsync("(fill 64 x 64 MiB)", 16, files.Length * (int)(fileSize >> 20), async i =>
            Check(await fs.WriteAsync(files[i % files.Length], (long)(i / files.Length) << 20, whole, Context)));
        foreach (var callers in new[] { 1, 64 })
        {
            var writes = N(callers == 1 ? 3_000 : 30_000);
            var random = new Random(3);
            var offsets = Enumerable.Range(0, writes).Select(_ => (long)random.Next(0, (int)(fileSize / 4096)) * 4096).ToArray();
            var w = await MeasureAsync(redis, "write 4 KiB (random offset)", callers, writes, async i =>
                Check(await fs.WriteAsync(files[i % callers], offsets[i], block, Context)));
            var buffer = new byte[64 * 4096];
            var r = await MeasureAsync(redis, "read 4 KiB (random offset)", callers, writes, async i =>
            {
                var n = await fs.ReadAsync(files[i % callers], offsets[i], buffer.AsMemory((i % 64) * 4096, 4096));
                Check(n);
            });
            results.Add(w);
            results.Add(r);
            Print([w, r]);
        }
    }

    /// <summary>CPU time used so far, in microseconds: redis-server's (INFO cpu) and this process's.</summary>
    private static async Task<(double Server, double Client)> CpuAsync(ConnectionMultiplexer redis)
    {
        var info = (string)(await redis.GetDatabase().ExecuteAsync("INFO", "cpu"))!;
        double server = 0;
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("used_cpu_sys:", StringComparison.Ordinal) || line.StartsWith("used_cpu_user:", StringComparison.Ordinal))
            {
                server += double.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture) * 1e6;
            }
        }
        return (server, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMicroseconds);
    }

    /// <summary>
    /// A measurement plus what Redis itself spent: script calls per operation and server time per
    /// operation. First, untimed, the same operations once more when <paramref name="warmUp"/> (false
    /// for operations that cannot run twice, which warm up on their own).
    /// </summary>
    private static async Task<Measurement> MeasureAsync(ConnectionMultiplexer redis, string name, int callers, int operations, Func<int, Task> operation, bool warmUp = true)
    {
        if (warmUp)
        {
            await Measurement.RunAsync("(warm-up)", callers, operations, operation);
        }
        var before = await ScriptCallsAsync(redis);
        var m = await Measurement.RunAsync(name, callers, operations, operation);
        var after = await ScriptCallsAsync(redis);
        return m with
        {
            ScriptCallsPerOp = (after.Calls - before.Calls) / (double)operations,
            ServerMicrosPerOp = (after.Micros - before.Micros) / (double)operations,
            ServerReadOnlyMicrosPerOp = (after.ReadOnlyMicros - before.ReadOnlyMicros) / (double)operations,
        };
    }

    private static void Print(IEnumerable<Measurement> measurements)
    {
        foreach (var m in measurements)
        {
            Console.WriteLine(m);
        }
    }

    private static void Check<T>(FsResult<T> result)
    {
        if (!result.IsOk)
        {
            throw new InvalidOperationException($"benchmark operation failed: {result.Error}");
        }
    }

    /// <summary>EVALSHA / EVALSHA_RO calls (client round trips) and their total server time, from INFO commandstats.</summary>
    private static async Task<(long Calls, long Micros, long ReadOnlyMicros)> ScriptCallsAsync(ConnectionMultiplexer redis)
    {
        var info = (string)(await redis.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        long calls = 0, micros = 0, readOnly = 0;
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("cmdstat_evalsha_ro", StringComparison.Ordinal))
            {
                readOnly = long.Parse(line.Split("usec=")[1].Split(',')[0], CultureInfo.InvariantCulture);
            }
            if (line.StartsWith("cmdstat_evalsha", StringComparison.Ordinal))
            {
                foreach (var field in line.Split(':')[1].Split(','))
                {
                    var (name, value) = (field.Split('=')[0], field.Split('=')[1]);
                    if (name == "calls")
                    {
                        calls += long.Parse(value, CultureInfo.InvariantCulture);
                    }
                    else if (name == "usec")
                    {
                        micros += long.Parse(value, CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        return (calls, micros, readOnly);
    }

    private static async Task RedisBenchmarkAsync(RedisServer server, params string[] args)
    {
        var result = await ProcessRunner.RunAsync("redis-benchmark", ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), .. args], timeout: TimeSpan.FromMinutes(5));
        foreach (var line in result.StandardOutput.Split('\r', '\n').Where(l => l.Contains("requests per second", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  {string.Join(' ', args.Where(a => a != "-q")),-40} {line.Trim()}");
        }
    }
}
