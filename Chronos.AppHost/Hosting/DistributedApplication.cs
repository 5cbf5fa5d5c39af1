using Chronos.AppHost.Orchestration;
using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Hosting;

/// <summary>
/// Aspire's <c>DistributedApplication</c>: <see cref="CreateBuilder(string[])"/>, add resources,
/// <see cref="Run"/>. Run starts everything, waits for Ctrl+C / SIGTERM, stops everything and
/// returns through the process exit code (0 clean, 1 failed to start).
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly Orchestrator _orchestrator;

    internal DistributedApplication(IReadOnlyList<IResource> resources, AppHostOptions options, IConfiguration configuration, TextWriter? output)
    {
        Options = options;
        var sink = output is null ? ConsoleSink.ForConsole() : new ConsoleSink(output, color: false);
        _orchestrator = new Orchestrator(resources, options, configuration, sink);
    }

    public AppHostOptions Options { get; }

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        new DistributedApplicationBuilder(new DistributedApplicationOptions { Args = args });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder(options);

    /// <summary>Runs until Ctrl+C or SIGTERM, then exits the process with 0 (clean) or 1.</summary>
    public void Run()
    {
        var exitCode = RunAsync().GetAwaiter().GetResult();
        Environment.Exit(exitCode);
    }

    /// <summary>Starts everything, waits for a stop signal (or <paramref name="stopping"/>), stops everything; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stopping = default)
    {
        using var signals = new StopSignals();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, signals.Stopping);
        return await _orchestrator.RunAsync(linked.Token, signals.Forced);
    }

    /// <summary>Starts everything and returns once every resource is ready (for tests); <see cref="DisposeAsync"/> stops it.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _orchestrator.StartAsync(cancellationToken);

    /// <summary>The connection string the orchestrator gave a resource (after start).</summary>
    public string? GetConnectionString(string name) => _orchestrator.GetConnectionString(name);

    /// <summary>The pid of a resource's process, when the AppHost started one.</summary>
    public int? GetProcessId(string name) => _orchestrator.GetProcessId(name);

    /// <summary>What would run, in start order: the enabled services and the servers they need.</summary>
    internal IReadOnlyList<string> PlanStart() => _orchestrator.SelectRunning().Select(r => r.Name).ToList();

    public async ValueTask DisposeAsync() => await _orchestrator.StopAsync();
}
