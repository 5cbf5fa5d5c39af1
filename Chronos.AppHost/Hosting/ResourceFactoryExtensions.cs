namespace Chronos.AppHost.Hosting;

/// <summary>The AddX verbs of Aspire's hosting packages.</summary>
public static class ResourceFactoryExtensions
{
    /// <summary>
    /// Debian's redis-server in <c>&lt;state&gt;/&lt;name&gt;/</c>, AOF on (appendfsync everysec),
    /// bound to 127.0.0.1 on a free port; or, when <c>ConnectionStrings__&lt;name&gt;</c> is set,
    /// that server (none is started).
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new RedisResource(name))
            .WithPrerequisite(Prerequisite.Command("redis-server", "redis-server"));
    }

    /// <summary>
    /// Debian's PostgreSQL 15: initdb into <c>&lt;state&gt;/&lt;name&gt;/data</c> on first run (as the
    /// <c>postgres</c> user when the AppHost is root, since postgres refuses to run as root), 127.0.0.1
    /// on a free port, password kept in <c>&lt;state&gt;/&lt;name&gt;/password</c>; or the server named by
    /// <c>ConnectionStrings__&lt;name&gt;</c>. Started only if a running service references it.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new PostgresServerResource(name));
    }

    /// <summary>A project of this repository, path relative to the AppHost project; runs from its build output with <c>dotnet &lt;dll&gt;</c>.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var fullPath = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, projectPath));
        return builder.AddResource(new ProjectResource(name, fullPath) { HasHttpEndpoint = true });
    }

    /// <summary>Any program; <paramref name="command"/> is looked up on PATH.</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        var resource = new ExecutableResource(name, command, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, workingDirectory)));
        resource.Arguments.AddRange(args);
        return builder.AddResource(resource)
            .WithPrerequisite(Prerequisite.Command(command, Path.GetFileName(command)));
    }
}
