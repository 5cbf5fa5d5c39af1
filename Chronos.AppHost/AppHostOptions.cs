using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost;

/// <summary>
/// <c>Chronos:AppHost:*</c> from appsettings.json, environment (<c>Chronos__AppHost__Services=hypervisor,fuse</c>)
/// or the command line (<c>--Chronos:AppHost:Services hypervisor,fuse</c>).
/// </summary>
public sealed record AppHostOptions
{
    public const string Section = "Chronos:AppHost";

    /// <summary>Services (project and executable resources) to run; servers run when a running service references them.</summary>
    public IReadOnlyList<string> Services { get; init; } = ["hypervisor"];

    /// <summary>Data of the servers the AppHost starts (redis/, postgres/). Default: .state/ next to the AppHost project, or $CHRONOS_STATE_DIR.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The Gateway's SSH port.</summary>
    public int SshPort { get; init; } = 2222;

    /// <summary>DOTNET_ENVIRONMENT / ASPNETCORE_ENVIRONMENT of every service.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>Passed on as OTEL_EXPORTER_OTLP_ENDPOINT when set (there is no Aspire dashboard here).</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>How long a resource may take to become ready (a cold .NET start on a loaded 2-core machine is slow).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a child gets to exit after being asked, before SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static AppHostOptions Bind(IConfiguration configuration, string defaultStateDirectory)
    {
        var section = configuration.GetSection(Section);
        var stateDirectory = section["StateDir"]
            ?? configuration["CHRONOS_STATE_DIR"]
            ?? defaultStateDirectory;
        if (string.IsNullOrWhiteSpace(stateDirectory) || stateDirectory.Contains('\0', StringComparison.Ordinal))
        {
            throw new AppHostConfigurationException($"{Section}:StateDir (or CHRONOS_STATE_DIR) must be a directory path, not '{stateDirectory}'");
        }
        return new AppHostOptions
        {
            Services = ReadList(section.GetSection("Services")) ?? ["hypervisor"],
            StateDirectory = Path.GetFullPath(stateDirectory),
            SshPort = ReadInt(section, "SshPort", 2222, 1, 65535),
            Environment = section["Environment"] ?? "Development",
            OtlpEndpoint = section["OtlpEndpoint"] ?? NullIfEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]),
            StartTimeout = TimeSpan.FromSeconds(ReadInt(section, "StartTimeoutSeconds", 120, 1, 3600)),
            StopTimeout = TimeSpan.FromSeconds(ReadInt(section, "StopTimeoutSeconds", 10, 1, 600)),
        };
    }

    /// <summary>
    /// One comma-separated string (<c>Chronos__AppHost__Services=hypervisor,fuse</c>), which replaces
    /// the whole list (an environment variable must be able to shorten appsettings.json's array),
    /// or else a JSON array / indexed keys (<c>Services__0</c>).
    /// </summary>
    internal static IReadOnlyList<string>? ReadList(IConfigurationSection section)
    {
        if (!section.Exists())
        {
            return null;
        }
        IEnumerable<string> values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new AppHostConfigurationException($"{Section}:{key} must be an integer from {min} to {max}, not '{text}'");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>A configuration or model error: printed as one line, exit code 1.</summary>
public sealed class AppHostConfigurationException : Exception
{
    public AppHostConfigurationException()
        : base("invalid AppHost configuration")
    {
    }

    public AppHostConfigurationException(string message)
        : base(message)
    {
    }

    public AppHostConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
