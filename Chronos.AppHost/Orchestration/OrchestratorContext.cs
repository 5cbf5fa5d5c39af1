using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Orchestration;

/// <summary>What every runner shares.</summary>
internal sealed class OrchestratorContext(AppHostOptions options, IConfiguration configuration, ConsoleSink sink, Log log)
{
    public AppHostOptions Options { get; } = options;

    public IConfiguration Configuration { get; } = configuration;

    public ConsoleSink Sink { get; } = sink;

    public Log Log { get; } = log;

    public ProcessSpawner Spawner { get; } = new();

    /// <summary>Polls readiness (a fixed short interval: starts take seconds, so 100 ms costs nothing and shows "up" promptly).</summary>
    public async Task WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> ready, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.StartTimeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (!await ready(deadline.Token))
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ResourceStartException($"{what} was not ready within {Options.StartTimeout.TotalSeconds:F0} s");
        }
    }
}
