using System.Globalization;

namespace Chronos.AppHost.Hosting;

/// <summary>The WithX verbs of Aspire's resource builders, same names and meaning.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>
    /// Gives <paramref name="builder"/> the address of <paramref name="source"/>:
    /// <c>ConnectionStrings__&lt;name&gt;</c> for a server, <c>services__&lt;name&gt;__http__0</c> for a service.
    /// A referenced server is started because of this reference; referencing alone does not wait for it.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> source)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        if (!builder.Resource.References.Contains(source.Resource))
        {
            builder.Resource.References.Add(source.Resource);
        }
        return builder;
    }

    /// <summary>Starts <paramref name="builder"/> only once <paramref name="dependency"/> is ready (answers PING, accepts connections, or /health is Healthy).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource))
        {
            builder.Resource.WaitsFor.Add(dependency.Resource);
        }
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        builder.Resource.Environment.Add(new(name, () => value));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, int value)
        where T : Resource =>
        builder.WithEnvironment(name, value.ToString(CultureInfo.InvariantCulture));

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        builder.Resource.Arguments.AddRange(args);
        return builder;
    }

    /// <summary>
    /// Serves HTTP on this loopback port (null: a free one), passed as <c>ASPNETCORE_URLS</c>.
    /// An executable with an HTTP endpoint must answer <c>/health</c> to count as ready.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null)
        where T : ResourceWithHttpEndpoint
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port is 1..65535");
        }
        builder.Resource.HasHttpEndpoint = true;
        builder.Resource.HttpPort = port;
        return builder;
    }

    /// <summary>A named non-HTTP endpoint (e.g. ssh on 2222): shown in the summary, passed by <see cref="WithEnvironment{T}(IResourceBuilder{T}, string, int)"/>.</summary>
    public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, string name, int port)
        where T : ResourceWithHttpEndpoint
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        builder.Resource.NamedEndpoints[name] = port;
        return builder;
    }

    /// <summary>Not in Aspire (its DCP reports a failed start instead): checked before anything starts.</summary>
    public static IResourceBuilder<T> WithPrerequisite<T>(this IResourceBuilder<T> builder, Prerequisite prerequisite)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prerequisite);
        builder.Resource.Prerequisites.Add(prerequisite);
        return builder;
    }
}
