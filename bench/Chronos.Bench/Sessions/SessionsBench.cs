using System.Diagnostics;
using System.Globalization;
using Chronos.Bench.SshServer;
using Chronos.Testing;
using Microsoft.Extensions.Logging;
using Renci.SshNet;

namespace Chronos.Bench.Sessions;

/// <summary>
/// `sessions`: N concurrent interactive sessions, each typing a command every few seconds, against
/// the Gateway (sandboxed bash on a Chronos.Fuse world; the Gateway, and the mount with its
/// redis-server, each in a child process of its own, apart as the AppHost runs them) and against
/// Debian's sshd (real bash, root's home on a tmpfs), one after the other in one run, with the
/// same SSH.NET client and ed25519 key. Reports keystroke echo latency, time to the first
/// prompt and memory per session (server plus every process below it).
/// Usage: sessions [--count 100] [--rate 10] [--period 5] [--steady 60] [--command "ls /tmp"]
///                 [--key-gap-ms 100] [--servers gateway,sshd]  (gateway-plain: the world in a plain
///                 directory instead of the Fuse mount)
/// </summary>
internal static class SessionsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args);
        var shape = new LoadShape(
            Count: Int(options, "count", 100),
            OpenRate: Double(options, "rate", 10),
            Period: TimeSpan.FromSeconds(Double(options, "period", 5)),
            Steady: TimeSpan.FromSeconds(Double(options, "steady", 60)),
            Command: options.GetValueOrDefault("command", "ls /tmp"),
            KeyGap: TimeSpan.FromMilliseconds(Double(options, "key-gap-ms", 100)));
        var servers = options.GetValueOrDefault("servers", "gateway,sshd").Split(',');
        // SSH.NET opens channels synchronously and runs one receive thread per connection.
        ThreadPool.SetMinThreads(256, 256);

        var directory = Directory.CreateTempSubdirectory("chronos-sessions").FullName;
        // The sandbox's unprivileged host uid must reach the world mount below it (created 0700).
        (await ProcessRunner.RunAsync("chmod", ["755", directory])).EnsureSuccess();
        var keyPath = Path.Combine(directory, "id_ed25519");
        (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyPath])).EnsureSuccess();
        using var key = new PrivateKeyFile(keyPath);
        Console.WriteLine($"sessions bench: {shape.Count} sessions opened at {shape.OpenRate}/s, each typing \"{shape.Command}\" (one key per echo, " +
                          $"{shape.KeyGap.TotalMilliseconds} ms gap) every {shape.Period.TotalSeconds} s ± 50 %, steady window {shape.Steady.TotalSeconds} s; " +
                          $"{Environment.ProcessorCount} cores; load before: {File.ReadAllText("/proc/loadavg").Trim()}");

        var results = new List<LoadResult>();
        try
        {
            foreach (var server in servers)
            {
                results.Add(server switch
                {
                    "gateway" => await GatewayAsync(directory, key, shape, onFuse: true),
                    "gateway-plain" => await GatewayAsync(directory, key, shape, onFuse: false),
                    "sshd" => await SshdAsync(directory, keyPath, key, shape),
                    _ => throw new ArgumentException($"unknown server {server}"),
                });
            }
        }
        finally
        {
            await ProcessRunner.BashAsync($"rm -rf {directory}");
        }
        Print(results, shape);
        return results.All(r => r.FailedOpens == 0 && r.FailedKeys == 0) ? 0 : 1;
    }

    private static async Task<LoadResult> GatewayAsync(string directory, PrivateKeyFile key, LoadShape shape, bool onFuse)
    {
        using var world = StartChild("sessions-world", Path.Combine(directory, "world"), onFuse ? "fuse" : "plain");
        try
        {
            var ready = await ReadLineAsync(world, "world");
            var fields = ready.Split(' ');
            var (mountRoot, redis) = (fields[1], fields[2]);
            using var child = StartChild("sessions-gateway", Path.Combine(directory, "gateway"), mountRoot, redis);
            try
            {
                var line = await ReadLineAsync(child, "port");
                var port = int.Parse(line["port ".Length..], CultureInfo.InvariantCulture);
                return await SessionLoad.RunAsync(onFuse ? "gateway" : "gateway-plain", port, key, shape, () => ProcessTree.Measure(child.Id, "redis-server"));
            }
            finally
            {
                Stop(child);
            }
        }
        finally
        {
            Stop(world);
        }
    }

    /// <summary>This bench binary again, with a child subcommand; its stdout is read, its stdin closed to stop it.</summary>
    private static Process StartChild(params string[] arguments)
    {
        var (program, prefix) = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? ("dotnet", new[] { typeof(SessionsBench).Assembly.Location })
            : (Environment.ProcessPath!, Array.Empty<string>());
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start)!;
    }

    private static async Task<string> ReadLineAsync(Process child, string expected)
    {
        var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))
            ?? throw new InvalidOperationException($"the child that should print \"{expected} ...\" exited before it was ready");
        return line.StartsWith(expected + " ", StringComparison.Ordinal) ? line : throw new InvalidOperationException($"unexpected first line: {line}");
    }

    private static void Stop(Process child)
    {
        child.StandardInput.Close();
        if (!child.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            child.Kill(entireProcessTree: true);
        }
    }

    private static async Task<LoadResult> SshdAsync(string directory, string keyPath, PrivateKeyFile key, LoadShape shape)
    {
        var sshdDirectory = Path.Combine(directory, "sshd-run");
        Directory.CreateDirectory(sshdDirectory);
        await using var sshd = await Sshd.StartAsync(sshdDirectory, keyPath + ".pub", homeOnTmpfs: true);
        return await SessionLoad.RunAsync("sshd", sshd.Port, key, shape, () => ProcessTree.Measure(sshd.ProcessId));
    }

    private static void Print(List<LoadResult> results, LoadShape shape)
    {
        string Row(string metric, Func<LoadResult, double> value, string format)
        {
            var cells = results.Select(r => value(r).ToString(format, CultureInfo.InvariantCulture));
            var ratio = results.Count == 2 && value(results[1]) != 0 ? (value(results[0]) / value(results[1])).ToString("N2", CultureInfo.InvariantCulture) + "x" : "";
            return $"| {metric} | {string.Join(" | ", cells)} | {ratio} |";
        }
        static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
        static double PerSession(LoadResult r, Func<ProcessTree, long> field) => (field(r.Loaded) - field(r.Idle)) / 1024.0 / Math.Max(1, r.Opened);

        Console.WriteLine();
        Console.WriteLine("| metric | " + string.Join(" | ", results.Select(r => r.Server)) + " | ratio |");
        Console.WriteLine("|---|" + string.Concat(results.Select(_ => "---:|")) + "---:|");
        Console.WriteLine(Row("sessions open", r => r.Opened, "N0"));
        Console.WriteLine(Row("failed opens", r => r.FailedOpens, "N0"));
        Console.WriteLine(Row("sessions that stopped typing (no echo in 60 s, or closed)", r => r.FailedKeys, "N0"));
        Console.WriteLine(Row("open (connect, auth, shell, first prompt) p50 ms", r => Percentile(r.OpenMillis, 0.5), "N1"));
        Console.WriteLine(Row("open p99 ms", r => Percentile(r.OpenMillis, 0.99), "N1"));
        Console.WriteLine(Row("of which connect and auth, p50 ms", r => Percentile(r.AuthenticatedMillis, 0.5), "N1"));
        Console.WriteLine(Row("keystroke echo p50 ms", r => Percentile(r.EchoMillis, 0.5), "N2"));
        Console.WriteLine(Row("keystroke echo p99 ms", r => Percentile(r.EchoMillis, 0.99), "N2"));
        Console.WriteLine(Row("keystrokes measured", r => r.EchoMillis.Count, "N0"));
        Console.WriteLine(Row($"Enter to next prompt (\"{shape.Command}\") p50 ms", r => Percentile(r.CommandMillis, 0.5), "N1"));
        Console.WriteLine(Row("Enter to next prompt p99 ms", r => Percentile(r.CommandMillis, 0.99), "N1"));
        Console.WriteLine(Row("memory per session, PSS KiB", r => PerSession(r, t => t.PssBytes), "N0"));
        Console.WriteLine(Row("memory per session, summed RSS KiB", r => PerSession(r, t => t.RssBytes), "N0"));
        Console.WriteLine(Row("server process alone, RSS KiB per session", r => PerSession(r, t => t.RootRssBytes), "N0"));
        Console.WriteLine(Row("processes per session", r => (r.Loaded.Processes - r.Idle.Processes) / (double)Math.Max(1, r.Opened), "N2"));
        Console.WriteLine(Row("server threads, idle", r => r.Idle.RootThreads, "N0"));
        Console.WriteLine(Row("server threads, under load", r => r.Loaded.RootThreads, "N0"));
        foreach (var r in results)
        {
            Console.WriteLine($"load average mid-run ({r.Server}): {r.LoadAverage}");
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }
        return options;
    }

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static double Double(Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
