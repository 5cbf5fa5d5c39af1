using System.Globalization;
using System.Text;
using Chronos.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// Turns the resource model into running processes: picks what runs (the enabled services and
/// every server they reference), checks prerequisites, assigns addresses, starts each resource
/// once everything it waits for is ready, prints the summary, and stops in reverse order.
/// </summary>
internal sealed class Orchestrator
{
    /// <summary>The line tests and scripts wait for; printed once, after the summary table.</summary>
    public const string UpLine = "Chronos is up";

    private readonly IReadOnlyList<IResource> _resources;
    private readonly OrchestratorContext _context;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Lock _lock = new();
    private List<ResourceRunner> _runners = [];
    private bool _stopped;

    public Orchestrator(IReadOnlyList<IResource> resources, AppHostOptions options, IConfiguration configuration, ConsoleSink sink)
    {
        _resources = resources;
        var logger = new SinkLoggerProvider(sink, LogLevel.Information).CreateLogger("Chronos.AppHost");
        _context = new OrchestratorContext(options, configuration, sink, new Log(logger));
    }

    public async Task<int> RunAsync(CancellationToken stopping, CancellationToken forced)
    {
        using var forceRegistration = forced.Register(KillEverything);
        try
        {
            await StartAsync(stopping);
        }
        catch (Exception ex) when (ex is AppHostConfigurationException or PrerequisiteException)
        {
            // Nothing was started: exactly one line per problem, no stack trace.
            _context.Sink.WriteLine(SinkLoggerProvider.Source, ex.Message, isError: true);
            return 1;
        }
        catch (ResourceStartException ex)
        {
            _context.Log.StartFailed(ex.Message);
            await StopAsync();
            return 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await StopAsync();
            return 0;
        }

        // Up: wait for a stop signal; a child that dies meanwhile is reported and left dead, as Aspire does.
        foreach (var runner in _runners.Where(r => r.Child is not null))
        {
            _ = WatchAsync(runner);
        }
        try
        {
            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException)
        {
            // The stop signal: fall through to the ordered stop.
        }
        await StopAsync();
        return 0;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var running = SelectRunning();
        var runners = running.Select(CreateRunner).ToList();
        lock (_lock)
        {
            _runners = runners;
        }

        var problems = runners.SelectMany(r => r.Resource.Prerequisites.Select(p => p.Check()).Concat(r.CheckPrerequisites()))
            .Prepend(Prerequisite.Command("setpriv", "util-linux").Check())
            .Prepend(Prerequisite.Command("setsid", "util-linux").Check())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (problems.Count > 0)
        {
            throw new PrerequisiteException(string.Join(Environment.NewLine, problems));
        }

        _context.Sink.AddSource(SinkLoggerProvider.Source);
        try
        {
            Directory.CreateDirectory(_context.Options.StateDirectory);
            foreach (var runner in runners)
            {
                _context.Sink.AddSource(runner.Resource.Name);
                runner.Allocate();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AppHostConfigurationException($"state directory {_context.Options.StateDirectory}: {ex.Message}", ex);
        }

        // Each resource starts as soon as everything it waits for is ready; the rest start in parallel.
        var ready = new Dictionary<IResource, Task>();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var runner in runners)
        {
            var waits = runner.Resource is Resource r ? r.WaitsFor.Select(w => ready[w]).ToArray() : [];
            ready[runner.Resource] = StartOneAsync(runner, waits, failed);
        }
        await Task.WhenAll(ready.Values);
        PrintSummary();
    }

    private async Task StartOneAsync(ResourceRunner runner, Task[] waits, CancellationTokenSource failed)
    {
        try
        {
            await Task.WhenAll(waits);
            failed.Token.ThrowIfCancellationRequested();
            await runner.StartAsync(failed.Token);
            if (runner.State is not ResourceState.External)
            {
                _context.Log.Ready(runner.Resource.Name, runner.Endpoint);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            runner.State = ResourceState.Failed;
            // One failure stops the start of everything else.
            await failed.CancelAsync();
            if (ex is ResourceStartException or AppHostConfigurationException)
            {
                throw;
            }
            throw new ResourceStartException($"{runner.Resource.Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Stops every started resource, dependents before what they depend on.</summary>
    public async Task StopAsync()
    {
        List<ResourceRunner> runners;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            runners = _runners;
        }
        for (var i = runners.Count - 1; i >= 0; i--)
        {
            var runner = runners[i];
            if (runner.Child is { HasExited: false })
            {
                _context.Log.Stopping(runner.Resource.Name);
            }
            await runner.StopAsync();
            if (runner.Child is not null)
            {
                await runner.Child.DisposeAsync();
            }
        }
        _context.Log.StoppedEverything();
        _http.Dispose();
    }

    public string? GetConnectionString(string name) =>
        _resources.OfType<IResourceWithConnectionString>().FirstOrDefault(r => r.Name == name)?.ConnectionString
        ?? _resources.OfType<ResourceWithHttpEndpoint>().FirstOrDefault(r => r.Name == name)?.HttpEndpoint;

    public int? GetProcessId(string name)
    {
        lock (_lock)
        {
            return _runners.FirstOrDefault(r => r.Resource.Name == name)?.Child?.Pid;
        }
    }

    /// <summary>
    /// The enabled services (Chronos:AppHost:Services) and, transitively, every resource they
    /// reference or wait for, in dependency order. Servers nobody running references do not start.
    /// </summary>
    internal List<IResource> SelectRunning()
    {
        var enabled = _context.Options.Services;
        foreach (var name in enabled)
        {
            if (_resources.FirstOrDefault(r => r.Name == name) is not ResourceWithHttpEndpoint)
            {
                var known = string.Join(", ", _resources.OfType<ResourceWithHttpEndpoint>().Select(r => r.Name));
                throw new AppHostConfigurationException($"{AppHostOptions.Section}:Services names '{name}', which is not a service (known: {known})");
            }
        }

        var ordered = new List<IResource>();
        var visiting = new HashSet<IResource>();
        void Visit(IResource resource, IResource? from)
        {
            if (ordered.Contains(resource))
            {
                return;
            }
            if (!visiting.Add(resource))
            {
                throw new AppHostConfigurationException($"dependency cycle through {resource.Name}");
            }
            if (resource is ResourceWithHttpEndpoint && !enabled.Contains(resource.Name))
            {
                throw new AppHostConfigurationException(
                    $"{from?.Name} needs {resource.Name}, which is not in {AppHostOptions.Section}:Services ({string.Join(",", enabled)})");
            }
            if (resource is Resource r)
            {
                foreach (var dependency in r.WaitsFor.Concat(r.References))
                {
                    Visit(dependency, resource);
                }
            }
            visiting.Remove(resource);
            ordered.Add(resource);
        }
        // Declaration order among independent resources, so the output reads like Program.cs.
        foreach (var resource in _resources.Where(r => enabled.Contains(r.Name)))
        {
            Visit(resource, null);
        }
        return _resources.Where(ordered.Contains).OrderBy(ordered.IndexOf).ToList();
    }

    private ResourceRunner CreateRunner(IResource resource) => resource switch
    {
        RedisResource redis => new RedisRunner(redis, _context),
        PostgresServerResource postgres => new PostgresRunner(postgres, _context),
        ResourceWithHttpEndpoint service => new ServiceRunner(service, _context, _http),
        _ => throw new AppHostConfigurationException($"no runner for resource {resource.Name} ({resource.GetType().Name})"),
    };

    private async Task WatchAsync(ResourceRunner runner)
    {
        var code = await runner.Child!.Exited;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
        }
        runner.State = ResourceState.Exited;
        _context.Log.ExitedUnexpectedly(runner.Resource.Name, code);
    }

    private void KillEverything()
    {
        _context.Log.Forced();
        List<ResourceRunner> runners;
        lock (_lock)
        {
            runners = _runners;
        }
        foreach (var runner in runners)
        {
            runner.Child?.Signal(Native.SIGKILL);
        }
    }

    private void PrintSummary()
    {
        var rows = _runners.Select(r => (
            Name: r.Resource.Name,
            State: r.State.ToString(),
            Endpoint: r.Endpoint,
            Pid: r.Child?.Pid.ToString(CultureInfo.InvariantCulture) ?? "-")).ToList();
        var widths = new[]
        {
            Math.Max(4, rows.Max(r => r.Name.Length)),
            Math.Max(5, rows.Max(r => r.State.Length)),
            Math.Max(8, rows.Max(r => r.Endpoint.Length)),
        };
        var table = new StringBuilder();
        table.AppendLine();
        table.Append("NAME".PadRight(widths[0])).Append("  ").Append("STATE".PadRight(widths[1])).Append("  ")
            .Append("ENDPOINT".PadRight(widths[2])).Append("  PID").AppendLine();
        foreach (var row in rows)
        {
            table.Append(row.Name.PadRight(widths[0])).Append("  ").Append(row.State.PadRight(widths[1])).Append("  ")
                .Append(row.Endpoint.PadRight(widths[2])).Append("  ").Append(row.Pid).AppendLine();
        }
        table.AppendLine();
        table.Append(UpLine).Append(": ").Append(rows.Count.ToString(CultureInfo.InvariantCulture))
            .Append(" resources ready; state in ").Append(_context.Options.StateDirectory).AppendLine(". Ctrl+C stops everything.");
        _context.Sink.WriteBlock(table.ToString());
    }
}

/// <summary>One or more prerequisites are missing; the message is one line each.</summary>
internal sealed class PrerequisiteException : Exception
{
    public PrerequisiteException()
        : base("a prerequisite is missing")
    {
    }

    public PrerequisiteException(string message)
        : base(message)
    {
    }

    public PrerequisiteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
