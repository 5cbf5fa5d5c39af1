using System.Net;
using Chronos.Gateway.Ssh;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Gateway host (AddChronosGateway, the product wiring) on a free loopback port, with a test
/// audit recorder, a zero failure delay and, when asked, the test session handler.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private GatewayServer(IHost host, IPEndPoint endPoint, string hostKeyDirectory, RecordingAuditSink audit, TestSessionHandler? handler)
    {
        _host = host;
        EndPoint = endPoint;
        HostKeyDirectory = hostKeyDirectory;
        Audit = audit;
        Handler = handler;
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public string HostKeyDirectory { get; }

    public RecordingAuditSink Audit { get; }

    public TestSessionHandler? Handler { get; }

    public SshServer Server => _host.Services.GetRequiredService<SshServer>();

    public IServiceProvider Services => _host.Services;

    public static async Task<GatewayServer> StartAsync(
        string persona = "debian12",
        IAuthenticationPolicy? policy = null,
        bool withHandler = true,
        IAuthenticationDelay? delay = null,
        string? hostKeyDirectory = null,
        IDictionary<string, string?>? settings = null,
        bool useRecordingAudit = true)
    {
        hostKeyDirectory ??= TempDirectory.Create("chronos-hostkeys");
        var audit = new RecordingAuditSink();
        var handler = withHandler ? new TestSessionHandler() : null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var config = new Dictionary<string, string?>
        {
            ["Gateway:Ssh:Port"] = "0",
            ["Gateway:Ssh:ListenAddress"] = "127.0.0.1",
            ["Gateway:Ssh:Persona"] = persona,
            ["Gateway:Ssh:World"] = "w1",
            ["Gateway:Ssh:HostKeyDirectory"] = hostKeyDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(config);
        if (useRecordingAudit)
        {
            builder.Services.AddSingleton<ISshAuditSink>(audit);
        }
        builder.Services.AddSingleton(delay ?? new NoFailureDelay());
        if (policy is not null)
        {
            builder.Services.AddSingleton(policy);
        }
        if (handler is not null)
        {
            builder.Services.AddSingleton<ISshSessionHandler>(handler);
        }
        builder.AddChronosGateway();
        var host = builder.Build();
        await host.StartAsync();
        var endPoint = await host.Services.GetRequiredService<SshServer>().Listening.WaitAsync(TimeSpan.FromSeconds(60));
        return new GatewayServer(host, endPoint, hostKeyDirectory, audit, handler);
    }

    /// <summary>Stops the host as SIGTERM does (IHost.StopAsync within HostOptions.ShutdownTimeout).</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }
        _host.Dispose();
    }
}

public static class TempDirectory
{
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
