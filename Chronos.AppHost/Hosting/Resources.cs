namespace Chronos.AppHost.Hosting;

/// <summary>Something the AppHost starts (or points at): a server, a project, an executable.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource other resources can reference through <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>Set by the orchestrator once the resource runs (or from configuration when external).</summary>
    string? ConnectionString { get; }
}

/// <summary>What every resource carries: who it references, whom it waits for, what it is given.</summary>
public abstract class Resource(string name) : IResource
{
    public string Name { get; } = ResourceName.Validate(name);

    internal List<IResource> References { get; } = [];

    internal List<IResource> WaitsFor { get; } = [];

    internal List<KeyValuePair<string, Func<string>>> Environment { get; } = [];

    internal List<string> Arguments { get; } = [];

    internal List<Prerequisite> Prerequisites { get; } = [];

    public override string ToString() => Name;
}

/// <summary>Debian's redis-server, or the server named by <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public string? ConnectionString { get; internal set; }
}

/// <summary>Debian's PostgreSQL, or the server named by <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public sealed class PostgresServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public string? ConnectionString { get; internal set; }
}

/// <summary>A process that serves HTTP (health at <c>/health</c>) and may be referenced as <c>services__&lt;name&gt;__http__0</c>.</summary>
public abstract class ResourceWithHttpEndpoint(string name) : Resource(name)
{
    /// <summary>The loopback port of its HTTP endpoint; null until assigned (a free port at start).</summary>
    internal int? HttpPort { get; set; }

    /// <summary>Whether it has an HTTP endpoint at all (every project has; an executable only when asked).</summary>
    internal bool HasHttpEndpoint { get; set; }

    /// <summary>Extra named endpoints (e.g. ssh), for the summary table.</summary>
    internal Dictionary<string, int> NamedEndpoints { get; } = new(StringComparer.Ordinal);

    public string? HttpEndpoint => HttpPort is { } port ? $"http://127.0.0.1:{port}" : null;
}

/// <summary>A .NET project of this repository, run from its build output.</summary>
public sealed class ProjectResource(string name, string projectPath) : ResourceWithHttpEndpoint(name)
{
    /// <summary>Absolute path of the .csproj.</summary>
    public string ProjectPath { get; } = projectPath;
}

/// <summary>Any program on PATH (or an absolute path).</summary>
public sealed class ExecutableResource(string name, string command, string workingDirectory) : ResourceWithHttpEndpoint(name)
{
    public string Command { get; } = command;

    public string WorkingDirectory { get; } = workingDirectory;
}

internal static class ResourceName
{
    /// <summary>Names become environment variable names (<c>ConnectionStrings__redis</c>), so keep them to [a-z0-9-].</summary>
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw new ArgumentException($"resource name '{name}' must be lowercase letters, digits and '-'", nameof(name));
            }
        }
        return name;
    }
}
