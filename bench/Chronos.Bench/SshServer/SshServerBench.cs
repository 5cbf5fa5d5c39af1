using System.Diagnostics;
using System.Globalization;
using Chronos.Gateway.Ssh;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Renci.SshNet;

namespace Chronos.Bench.SshServer;

/// <summary>
/// `ssh`: the Gateway and Debian's sshd side by side on loopback, driven by the same client
/// (SSH.NET, ed25519 public key): TCP connect → key exchange → auth → exec → disconnect per
/// operation, with 1 and 64 concurrent clients; then memory per idle authenticated connection
/// (managed heap delta for the Gateway, RSS of the per-connection processes for sshd), with
/// OpenSSH `ssh -N` processes as the idle clients so the client's memory is not counted.
/// </summary>
internal static class SshServerBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var operations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var idle = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        // SSH.NET blocks pool threads in places; 64 callers must not starve the server's continuations.
        ThreadPool.SetMinThreads(256, 256);
        var directory = Directory.CreateTempSubdirectory("chronos-sshbench").FullName;
        var key = Path.Combine(directory, "id_ed25519");
        (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])).EnsureSuccess();

        using var gateway = await StartGatewayAsync(directory);
        var gatewayPort = (await gateway.Services.GetRequiredService<Gateway.Ssh.SshServer>().Listening).Port;
        await using var sshd = await Sshd.StartAsync(directory, key + ".pub");

        Console.WriteLine($"ssh bench: {operations} connect+auth+exec+disconnect per row, SSH.NET client, ed25519 user key; {Environment.ProcessorCount} cores");
        foreach (var callers in new[] { 1, 64 })
        {
            var ours = await Measurement.RunAsync($"gateway exec, {callers} clients", callers, operations, _ => ExecAsync(gatewayPort, key));
            var theirs = await Measurement.RunAsync($"sshd exec, {callers} clients", callers, operations, _ => ExecAsync(sshd.Port, key));
            Console.WriteLine($"{ours.Name,-26} {ours.PerSecond,8:N1} conn/s  median {ours.MedianMicros / 1000,7:N1} ms  p99 {ours.P99Micros / 1000,7:N1} ms");
            Console.WriteLine($"{theirs.Name,-26} {theirs.PerSecond,8:N1} conn/s  median {theirs.MedianMicros / 1000,7:N1} ms  p99 {theirs.P99Micros / 1000,7:N1} ms");
            Console.WriteLine($"ratio gateway/sshd, {callers} clients: {ours.PerSecond / theirs.PerSecond:N2}x");
        }

        var gatewayBytes = await IdleGatewayBytesAsync(gateway, gatewayPort, key, idle);
        var sshdBytes = await IdleSshdBytesAsync(sshd, key, idle);
        Console.WriteLine($"idle authenticated connections: {idle}");
        Console.WriteLine($"gateway managed heap per idle connection: {gatewayBytes / 1024.0:N1} KiB");
        Console.WriteLine($"sshd RSS per idle connection (its two processes): {sshdBytes / 1024.0:N1} KiB");
        await gateway.StopAsync();
        return 0;
    }

    private static async Task ExecAsync(int port, string key)
    {
        using var privateKey = new PrivateKeyFile(key);
        using var client = new SshClient(new ConnectionInfo("127.0.0.1", port, "root", new PrivateKeyAuthenticationMethod("root", privateKey))
        {
            Timeout = TimeSpan.FromMinutes(2),
        });
        await client.ConnectAsync(CancellationToken.None);
        using var command = client.CreateCommand("true");
        await command.ExecuteAsync();
        client.Disconnect();
        if (command.ExitStatus != 0)
        {
            throw new InvalidOperationException($"exec failed on port {port}: {command.Error}");
        }
    }

    private static async Task<long> IdleGatewayBytesAsync(IHost gateway, int port, string key, int count)
    {
        var server = gateway.Services.GetRequiredService<Gateway.Ssh.SshServer>();
        var before = Settle();
        var clients = await StartIdleClientsAsync(port, key, count, () => server.ActiveConnections >= count);
        var after = Settle();
        Stop(clients);
        return (after - before) / count;
    }

    private static async Task<long> IdleSshdBytesAsync(Sshd sshd, string key, int count)
    {
        var before = sshd.TotalRssBytes();
        var clients = await StartIdleClientsAsync(sshd.Port, key, count, () => sshd.ChildCount() >= 2 * count);
        var after = sshd.TotalRssBytes();
        Stop(clients);
        return (after - before) / count;
    }

    private static async Task<List<Process>> StartIdleClientsAsync(int port, string key, int count, Func<bool> ready)
    {
        var clients = new List<Process>();
        for (var i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo("ssh") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardError = true };
            foreach (var argument in new[]
                     {
                         "-N", "-p", port.ToString(CultureInfo.InvariantCulture), "-i", key, "-o", "StrictHostKeyChecking=no",
                         "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "root@127.0.0.1",
                     })
            {
                start.ArgumentList.Add(argument);
            }
            clients.Add(Process.Start(start)!);
        }
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!ready() && deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            await poll.WaitForNextTickAsync();
        }
        // Authentication finishes a few round trips after accept: give the last ones time to settle.
        for (var i = 0; i < 20; i++)
        {
            await poll.WaitForNextTickAsync();
        }
        return clients;
    }

    private static void Stop(List<Process> clients)
    {
        foreach (var client in clients)
        {
            if (!client.HasExited)
            {
                client.Kill();
            }
            client.Dispose();
        }
    }

    private static long Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<IHost> StartGatewayAsync(string directory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Ssh:Port"] = "0",
            ["Gateway:Ssh:ListenAddress"] = "127.0.0.1",
            ["Gateway:Ssh:HostKeyDirectory"] = Path.Combine(directory, "gateway-keys"),
            ["Gateway:Ssh:AuthenticationPolicy"] = "any",
        });
        builder.Services.AddSingleton<ISshAuditSink, NullAudit>();
        builder.Services.AddSingleton<ISshSessionHandler, TrueHandler>();
        builder.AddChronosGateway();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>exec answers at once with status 0 (sshd forks a shell for `true`; the Gateway's sandbox is the next issue).</summary>
    private sealed class TrueHandler : ISshSessionHandler
    {
        public Task<int> RunAsync(SshSessionRequest request, SshChannelStreams io, CancellationToken cancellationToken) => Task.FromResult(0);

        public bool AcceptsSubsystem(string name) => false;
    }

    private sealed class NullAudit : ISshAuditSink
    {
        public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
