using System.Diagnostics;
using System.Globalization;
using Chronos.Fuse;
using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chronos.Bench;

/// <summary>
/// `fuse`: tmpfs, libfuse's passthrough_ll (C, over a tmpfs) and Chronos (over its own
/// redis-server) side by side in one run: creates, cached stats, listing of 10,000 entries and
/// unlinks from one process and from 8 processes (a python3 worker issuing the syscalls), then
/// sequential write and read of a 1 GiB file. Medians of 3 rounds.
/// Usage: fuse [files=10000] [rounds=3] [seqMiB=1024]
/// </summary>
internal static class FuseBench
{
    private const string Worker = """
        import os, sys, time, multiprocessing as mp
        op, base, n, procs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        per = n // procs
        def work(i, barrier, q):
            d = os.path.join(base, "w%d" % i)
            names = [os.path.join(d, "f%d" % k) for k in range(per)]
            if op == "stat":
                for p in names: os.stat(p)  # warm the kernel's caches; the timed pass is the cached one
            barrier.wait()
            t0 = time.perf_counter()
            if op == "create":
                for p in names: os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
            elif op == "stat":
                for p in names: os.stat(p)
            elif op == "unlink":
                for p in names: os.unlink(p)
            elif op == "readdir":
                for _ in range(per): assert len(os.listdir(d)) >= 0
            q.put(time.perf_counter() - t0)
        if __name__ == "__main__":
            if op == "mkdir":
                for i in range(procs): os.makedirs(os.path.join(base, "w%d" % i), exist_ok=True)
                sys.exit(0)
            ctx = mp.get_context("fork")
            barrier, q = ctx.Barrier(procs), ctx.Queue()
            ps = [ctx.Process(target=work, args=(i, barrier, q)) for i in range(procs)]
            for p in ps: p.start()
            times = [q.get() for _ in ps]
            for p in ps: p.join()
            print("%.1f" % (n / max(times)))
        """;

    private sealed record Target(string Name, string Directory, bool Sequential);

    private sealed class NoAttribution : ISessionResolver
    {
        public string? Resolve(int pid) => null;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var seqMiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1024;
        var root = Path.Combine(Path.GetTempPath(), "chronos-bench-fuse-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var undo = new Stack<Func<Task>>();
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "worker.py"), Worker);
            var tmpfs = await TmpfsAsync(root, "tmpfs", undo);
            var source = await TmpfsAsync(root, "seq-source", undo);
            var passthrough = await PassthroughAsync(root, undo);

            var redis = await RedisServer.StartAsync();
            undo.Push(async () => await redis.DisposeAsync());
            var connection = await redis.ConnectAsync();
            undo.Push(async () => await connection.DisposeAsync());
            var catalog = new WorldCatalog(connection);
            var chronos = await ChronosAsync(catalog, connection, "bench", Path.Combine(root, "chronos"), null, loggers, undo);
            var plain = await ChronosAsync(catalog, connection, "bench-plain", Path.Combine(root, "chronos-plain"), new NoAttribution(), loggers, undo);

            Target[] targets =
            [
                new("tmpfs", tmpfs, true),
                new("passthrough_ll", passthrough, true),
                new("Chronos", chronos, true),
                new("Chronos, attribution off", plain, false),
            ];
            var results = new Dictionary<(string Metric, string Target), List<double>>();
            void Add(string metric, string target, double value)
            {
                if (!results.TryGetValue((metric, target), out var list))
                {
                    results[(metric, target)] = list = [];
                }
                list.Add(value);
            }

            for (var round = 0; round < rounds; round++)
            {
                foreach (var target in targets)
                {
                    var single = Path.Combine(target.Directory, $"r{round}-1");
                    var parallel = Path.Combine(target.Directory, $"r{round}-8");
                    await WorkerAsync(root, "mkdir", single, 0, 1);
                    await WorkerAsync(root, "mkdir", parallel, 0, 8);
                    Add("create/s (1 process)", target.Name, await WorkerAsync(root, "create", single, files, 1));
                    Add("stat/s cached (1 process)", target.Name, await WorkerAsync(root, "stat", single, files, 1));
                    Add($"listings of {files:N0} entries/s", target.Name, await WorkerAsync(root, "readdir", single, 5, 1));
                    Add("unlink/s (1 process)", target.Name, await WorkerAsync(root, "unlink", single, files, 1));
                    Add("create/s (8 processes)", target.Name, await WorkerAsync(root, "create", parallel, files, 8));
                    Add("stat/s cached (8 processes)", target.Name, await WorkerAsync(root, "stat", parallel, files, 8));
                    Add("unlink/s (8 processes)", target.Name, await WorkerAsync(root, "unlink", parallel, files, 8));
                    Console.Error.WriteLine($"round {round + 1}/{rounds}: {target.Name} done");
                }
            }

            var sourceFile = Path.Combine(source, "random");
            await ProcessRunner.BashAsync($"head -c {seqMiB}M /dev/urandom > {sourceFile}", timeout: TimeSpan.FromMinutes(5));
            foreach (var target in targets.Where(t => t.Sequential))
            {
                var big = Path.Combine(target.Directory, "big");
                Add("sequential write MiB/s (dd bs=1M, fsync)", target.Name, seqMiB / await TimedAsync($"dd if={sourceFile} of={big} bs=1M conv=fsync status=none"));
                Add("sequential read MiB/s (first)", target.Name, seqMiB / await TimedAsync($"dd if={big} of=/dev/null bs=1M status=none"));
                Add("sequential read MiB/s (cached)", target.Name, seqMiB / await TimedAsync($"dd if={big} of=/dev/null bs=1M status=none"));
                File.Delete(big);
                Console.Error.WriteLine($"sequential: {target.Name} done");
            }

            Print(results, targets, files, rounds, seqMiB);
            return 0;
        }
        finally
        {
            while (undo.Count > 0)
            {
                try
                {
                    await undo.Pop()();
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
                {
                    Console.Error.WriteLine("cleanup: " + ex.Message);
                }
            }
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> TmpfsAsync(string root, string name, Stack<Func<Task>> undo)
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        await ProcessRunner.BashAsync($"mount -t tmpfs -o size=4g tmpfs {dir}").ContinueWith(t => t.Result.EnsureSuccess(), TaskScheduler.Default);
        undo.Push(() => ProcessRunner.BashAsync($"umount -l {dir}"));
        return dir;
    }

    /// <summary>Compiles libfuse's own passthrough_ll example here (never committed) and mounts it over a tmpfs.</summary>
    private static async Task<string> PassthroughAsync(string root, Stack<Func<Task>> undo)
    {
        const string examples = "/usr/share/doc/libfuse3-dev/examples";
        var binary = Path.Combine(root, "passthrough_ll");
        (await ProcessRunner.BashAsync($"gcc -O2 -I{examples} -o {binary} {examples}/passthrough_ll.c $(pkg-config --cflags --libs fuse3)")).EnsureSuccess();
        var source = await TmpfsAsync(root, "passthrough-source", undo);
        var mountPoint = Path.Combine(root, "passthrough");
        Directory.CreateDirectory(mountPoint);
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-f", "-o", $"source={source}", mountPoint })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        undo.Push(async () =>
        {
            await ProcessRunner.BashAsync($"fusermount3 -u {mountPoint} || umount -l {mountPoint}");
            await process.WaitForExitAsync();
            process.Dispose();
        });
        var clock = Stopwatch.StartNew();
        while (!File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == mountPoint))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10) || process.HasExited)
            {
                throw new InvalidOperationException("passthrough_ll did not mount");
            }
            await Task.Delay(20);
        }
        return mountPoint;
    }

    internal static async Task<string> ChronosAsync(
        WorldCatalog catalog, StackExchange.Redis.IConnectionMultiplexer connection, string world, string mountPoint,
        ISessionResolver? sessions, ILoggerFactory loggers, Stack<Func<Task>> undo)
    {
        await catalog.CreateAsync(new WorldSpec(world) { QuotaBytes = 8L << 30, QuotaInodes = 10_000_000 });
        var mount = await WorldMount.MountAsync(
            catalog.Open(world, "bench:" + mountPoint), mountPoint, new WorldMountOptions(), connection, loggers.CreateLogger("fuse"), sessions: sessions);
        undo.Push(() => mount.UnmountAsync());
        return mountPoint;
    }

    private static async Task<double> WorkerAsync(string root, string op, string dir, int n, int procs)
    {
        var result = await ProcessRunner.RunAsync("python3", [Path.Combine(root, "worker.py"), op, dir, n.ToString(CultureInfo.InvariantCulture), procs.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(5));
        result.EnsureSuccess();
        return op == "mkdir" ? 0 : double.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<double> TimedAsync(string script)
    {
        var clock = Stopwatch.StartNew();
        (await ProcessRunner.BashAsync(script, timeout: TimeSpan.FromMinutes(10))).EnsureSuccess();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Print(Dictionary<(string Metric, string Target), List<double>> results, Target[] targets, int files, int rounds, int seqMiB)
    {
        Console.WriteLine($"FUSE benchmark: {files:N0} files, medians of {rounds} rounds (sequential: {seqMiB} MiB, one run), {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| metric | " + string.Join(" | ", targets.Select(t => t.Name)) + " | Chronos / passthrough_ll |");
        Console.WriteLine("|---|" + string.Concat(targets.Select(_ => "---:|")) + "---:|");
        foreach (var metric in results.Keys.Select(k => k.Metric).Distinct())
        {
            var cells = targets.Select(t => results.TryGetValue((metric, t.Name), out var v) ? Median(v).ToString("N0", CultureInfo.InvariantCulture) : "");
            var ratio = results.TryGetValue((metric, "Chronos"), out var c) && results.TryGetValue((metric, "passthrough_ll"), out var p)
                ? (Median(c) / Median(p)).ToString("P0", CultureInfo.InvariantCulture)
                : "";
            Console.WriteLine($"| {metric} | {string.Join(" | ", cells)} | {ratio} |");
        }
    }
}
