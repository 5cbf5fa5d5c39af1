using System.Diagnostics;
using StackExchange.Redis;

namespace Chronos.Testing;

/// <summary>
/// A real redis-server (Debian's) on a free loopback port, with its own data directory.
/// Stop and start it again to test what happens when Redis goes away mid-run.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port, string directory, bool appendOnly)
    {
        Port = port;
        Directory = directory;
        AppendOnly = appendOnly;
    }

    public int Port { get; }

    public string Directory { get; }

    public bool AppendOnly { get; }

    /// <summary>The running server's process id (to stop it with SIGSTOP, say).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running");

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "chronos-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        for (var attempt = 0; ; attempt++)
        {
            var server = new RedisServer(FreePort.Next(), directory, appendOnly);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // The port was taken between choosing it and binding it: choose another.
                await server.StopAsync();
            }
        }
    }

    /// <summary>Starts (or restarts) the server on the same port and data directory.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }
        var startInfo = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1",
                     "--dir", Directory,
                     "--save", "",
                     "--appendonly", AppendOnly ? "yes" : "no",
                     "--protected-mode", "no",
                     "--daemonize", "no",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server)");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}");
            }
            try
            {
                using var probe = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=200,abortConnect=true");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException
                                           || (ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal)))
            {
                // Not listening yet, or still replaying its append-only file.
                await poll.WaitForNextTickAsync();
            }
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer within 10 s");
    }

    /// <summary>Kills the server (SIGKILL: as a crash would).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>A connection configured as the services configure theirs (see RedisConnectionOptions), with a 2 s connect timeout.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync(Microsoft.Extensions.Hosting.RedisConnectionOptions.For($"{ConnectionString},connectTimeout=2000"));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
