using Chronos.AppHost.Hosting;

namespace Chronos.AppHost.Orchestration;

/// <summary>What a resource shows in the summary table.</summary>
internal enum ResourceState
{
    Pending,
    Starting,
    Running,
    Healthy,
    External,
    Failed,
    Exited,
    Stopped,
}

/// <summary>Runs one resource: assigns its address, starts it, knows when it is ready, stops it.</summary>
internal abstract class ResourceRunner(Resource resource, OrchestratorContext context)
{
    public Resource Resource { get; } = resource;

    protected OrchestratorContext Context { get; } = context;

    public ResourceState State { get; set; } = ResourceState.Pending;

    public ChildProcess? Child { get; protected set; }

    /// <summary>What the summary table shows in its ENDPOINT column.</summary>
    public abstract string Endpoint { get; }

    /// <summary>Before anything starts: ports, connection strings, so that references resolve without waiting.</summary>
    public virtual void Allocate()
    {
    }

    /// <summary>Extra prerequisites known only to the runner (e.g. PostgreSQL's binaries).</summary>
    public virtual IEnumerable<string> CheckPrerequisites() => [];

    /// <summary>Starts the resource and returns once it is ready.</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the resource cleanly (SIGKILL after the stop timeout).</summary>
    public virtual async Task StopAsync()
    {
        if (Child is { } child)
        {
            var code = await child.StopAsync(() => { child.Signal(Native.SIGTERM); return Task.CompletedTask; }, Context.Options.StopTimeout);
            State = ResourceState.Stopped;
            Context.Log.Stopped(Resource.Name, code);
        }
    }

    /// <summary>Throws when the child exits before it is ready, so a crash fails the start at once instead of at the deadline.</summary>
    protected void ThrowIfExited()
    {
        if (Child is { HasExited: true } child)
        {
            throw new ResourceStartException($"{Resource.Name} exited with code {child.Exited.Result} before it was ready");
        }
    }
}

/// <summary>A resource could not start; the message is the one line the user sees.</summary>
internal sealed class ResourceStartException : Exception
{
    public ResourceStartException()
        : base("a resource did not start")
    {
    }

    public ResourceStartException(string message)
        : base(message)
    {
    }

    public ResourceStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
