using System.Globalization;
using Chronos.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// redis-server in &lt;state&gt;/&lt;name&gt;/ with AOF on, or an external server from
/// <c>ConnectionStrings__&lt;name&gt;</c>. Ready when it answers PING (not while it replays the AOF).
/// </summary>
internal sealed class RedisRunner(RedisResource redis, OrchestratorContext context) : ResourceRunner(redis, context)
{
    private const string Host = "127.0.0.1";
    private string? _external;
    private int _port;

    public override string Endpoint => _external is not null ? _external : $"tcp://{Host}:{_port}";

    public string DataDirectory => Path.Combine(Context.Options.StateDirectory, redis.Name);

    public override void Allocate()
    {
        _external = Context.Configuration.GetConnectionString(redis.Name);
        if (string.IsNullOrWhiteSpace(_external))
        {
            _external = null;
            _port = FreePort.Next();
            redis.ConnectionString = $"{Host}:{_port}";
        }
        else
        {
            redis.ConnectionString = _external;
        }
    }

    public override IEnumerable<string> CheckPrerequisites() => [];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_external is not null)
        {
            Context.Log.External(redis.Name, _external);
            if (ExternalEndpoint.TryParseRedis(_external, out var host, out var port, out var password))
            {
                await Context.WaitUntilAsync($"{redis.Name} ({_external})", ct => RespProbe.PingAsync(host, port, password, ct), cancellationToken);
            }
            State = ResourceState.External;
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        // A port taken between choosing and binding makes redis-server exit at once: choose again.
        for (var attempt = 1; ; attempt++)
        {
            Child = await ChildProcess.StartAsync(Spec(), Context.Spawner, Context.Sink);
            State = ResourceState.Starting;
            try
            {
                await Context.WaitUntilAsync(redis.Name, async ct =>
                {
                    ThrowIfExited();
                    return await RespProbe.PingAsync(Host, _port, null, ct);
                }, cancellationToken);
                State = ResourceState.Running;
                return;
            }
            catch (ResourceStartException) when (attempt < 3 && Child.HasExited)
            {
                Context.Log.RedisPortRetry(_port, Child.Exited.Result);
                await Child.DisposeAsync();
                _port = FreePort.Next();
                redis.ConnectionString = $"{Host}:{_port}";
            }
        }
    }

    private ChildSpec Spec()
    {
        string[] arguments =
        [
            "--port", _port.ToString(CultureInfo.InvariantCulture),
            "--bind", Host,
            "--dir", DataDirectory,
            // The AOF is the durability: every write, fsync'd once a second; no RDB snapshots.
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--supervised", "no",
            "--logfile", "",
        ];
        Context.Log.Starting(redis.Name, "redis-server " + string.Join(' ', arguments));
        return new ChildSpec
        {
            Name = redis.Name,
            FileName = "redis-server",
            Arguments = [.. arguments, .. redis.Arguments],
            WorkingDirectory = DataDirectory,
            // SIGTERM makes redis-server fsync the AOF and exit: the same clean stop as SHUTDOWN.
            DeathSignal = "TERM",
        };
    }

    /// <summary>SHUTDOWN (fsyncs the AOF), then SIGKILL after the stop timeout.</summary>
    public override async Task StopAsync()
    {
        if (Child is { } child)
        {
            var code = await child.StopAsync(async () =>
            {
                using var timeout = new CancellationTokenSource(Context.Options.StopTimeout);
                await RespProbe.ShutdownAsync(Host, _port, timeout.Token);
            }, Context.Options.StopTimeout);
            State = ResourceState.Stopped;
            Context.Log.Stopped(redis.Name, code);
        }
    }
}

/// <summary>Reads enough of an external connection string to probe it.</summary>
internal static class ExternalEndpoint
{
    /// <summary>StackExchange.Redis form: <c>host:port[,option=value...]</c>; the first endpoint and the password.</summary>
    public static bool TryParseRedis(string connectionString, out string host, out int port, out string? password)
    {
        host = "";
        port = 6379;
        password = null;
        string? endpoint = null;
        foreach (var part in connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                endpoint ??= part;
            }
            else if (part[..eq].Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                password = part[(eq + 1)..];
            }
        }
        if (endpoint is null)
        {
            return false;
        }
        string portText;
        if (endpoint.StartsWith('['))
        {
            // [v6]:port or [v6]
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = endpoint[1..close];
            portText = endpoint[(close + 1)..] is { Length: > 0 } rest ? (rest[0] == ':' ? rest[1..] : "x") : "";
        }
        else if (endpoint.Count(c => c == ':') == 1)
        {
            var colon = endpoint.IndexOf(':', StringComparison.Ordinal);
            host = endpoint[..colon];
            portText = endpoint[(colon + 1)..];
        }
        else
        {
            // A host name, an IPv4 address, or a bare IPv6 address: the default port.
            host = endpoint;
            portText = "";
        }
        if (portText.Length > 0
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return false;
        }
        return host.Length > 0;
    }
}
