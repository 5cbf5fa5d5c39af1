using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Hosting;

/// <summary>Aspire's <c>IDistributedApplicationBuilder</c>: configuration plus the resource model.</summary>
public interface IDistributedApplicationBuilder
{
    IConfigurationManager Configuration { get; }

    /// <summary>The AppHost project's directory; relative project paths are resolved against it.</summary>
    string AppHostDirectory { get; }

    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    DistributedApplication Build();
}

/// <summary>Settings for <see cref="DistributedApplication.CreateBuilder(DistributedApplicationOptions)"/>; tests use it to run an AppHost in-process.</summary>
public sealed record DistributedApplicationOptions
{
    public string[] Args { get; init; } = [];

    /// <summary>Extra configuration layered over appsettings.json, environment and arguments.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where the output goes; null for the console.</summary>
    public TextWriter? Output { get; init; }
}

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];
    private readonly DistributedApplicationOptions _options;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        _options = options;
        AppHostDirectory = BuildInfo.AppHostProjectDirectory;
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(options.Args);
        configuration.AddInMemoryCollection(options.Configuration);
        Configuration = configuration;
    }

    public IConfigurationManager Configuration { get; }

    public string AppHostDirectory { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new AppHostConfigurationException($"resource '{resource.Name}' is added twice");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        var options = AppHostOptions.Bind(Configuration, Path.Combine(AppHostDirectory, ".state"));
        return new DistributedApplication(_resources.ToList(), options, Configuration, _options.Output);
    }
}

/// <summary>Facts about the build, written into the assembly by Chronos.AppHost.csproj.</summary>
internal static class BuildInfo
{
    private static readonly Dictionary<string, string?> Metadata = typeof(BuildInfo).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    /// <summary>Where Chronos.AppHost.csproj is (the default state dir and relative project paths hang off it).</summary>
    public static string AppHostProjectDirectory => Get("ChronosAppHostProjectDirectory");

    /// <summary>artifacts/bin of the repository (UseArtifactsOutput).</summary>
    public static string ArtifactsBin => Get("ChronosArtifactsBin");

    /// <summary>The output folder name under artifacts/bin/&lt;project&gt;/ (e.g. "debug", "release").</summary>
    public static string ArtifactsPivot => Get("ChronosArtifactsPivot");

    public static string Configuration => Get("ChronosConfiguration");

    private static string Get(string key) =>
        Metadata.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidOperationException($"assembly metadata {key} is missing: build Chronos.AppHost with its own csproj");
}
