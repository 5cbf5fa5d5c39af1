using System.Globalization;
using Chronos.AppHost.Hosting;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// A service: a project (run as <c>dotnet &lt;dll&gt;</c> from its build output) or an executable.
/// Gets the environment Aspire would inject; ready when <c>/health</c> answers 200 (an executable
/// without an HTTP endpoint is ready once started).
/// </summary>
internal sealed class ServiceRunner(ResourceWithHttpEndpoint service, OrchestratorContext context, HttpClient http) : ResourceRunner(service, context)
{
    public override string Endpoint => string.Join(", ",
        new[] { service.HttpEndpoint }.Concat(service.NamedEndpoints.Select(e => $"{e.Key}:{e.Value}")).OfType<string>());

    public override void Allocate()
    {
        if (service.HasHttpEndpoint)
        {
            service.HttpPort ??= FreePort.Next();
        }
    }

    public override IEnumerable<string> CheckPrerequisites()
    {
        if (service is ProjectResource project && !File.Exists(project.ProjectPath))
        {
            yield return $"{project.ProjectPath} not found (resource {project.Name})";
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var (fileName, arguments, workingDirectory) = service switch
        {
            ProjectResource project => await ProjectCommandAsync(project, cancellationToken),
            ExecutableResource executable => (executable.Command, executable.Arguments.ToArray(), executable.WorkingDirectory),
            _ => throw new InvalidOperationException($"no runner for {service.GetType().Name}"),
        };
        Context.Log.Starting(service.Name, fileName + " " + string.Join(' ', arguments));
        Child = await ChildProcess.StartAsync(new ChildSpec
        {
            Name = service.Name,
            FileName = fileName,
            Arguments = arguments,
            WorkingDirectory = workingDirectory,
            Environment = BuildEnvironment(),
            // Services keep no state of their own (Redis is the truth), so an orphan is simply killed.
            DeathSignal = "KILL",
        }, Context.Spawner, Context.Sink);
        State = ResourceState.Starting;

        if (service.HasHttpEndpoint)
        {
            await Context.WaitUntilAsync($"{service.Name} /health", async ct =>
            {
                ThrowIfExited();
                return await IsHealthyAsync(ct);
            }, cancellationToken);
            State = ResourceState.Healthy;
        }
        else
        {
            State = ResourceState.Running;
        }
    }

    /// <summary>The environment Aspire injects, so a service cannot tell this AppHost from Aspire's.</summary>
    internal Dictionary<string, string> BuildEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = Context.Options.Environment,
            ["ASPNETCORE_ENVIRONMENT"] = Context.Options.Environment,
            ["OTEL_SERVICE_NAME"] = service.Name,
            // Child output is a pipe: keep the console logger's colors off and its lines whole.
            ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        if (service.HttpEndpoint is { } url)
        {
            environment["ASPNETCORE_URLS"] = url;
        }
        if (Context.Options.OtlpEndpoint is { } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }
        foreach (var reference in service.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString { ConnectionString: { } connectionString }:
                    environment[$"ConnectionStrings__{reference.Name}"] = connectionString;
                    break;
                case ResourceWithHttpEndpoint { HttpEndpoint: { } endpoint }:
                    environment[$"services__{reference.Name}__http__0"] = endpoint;
                    break;
                default:
                    throw new AppHostConfigurationException($"{service.Name} references {reference.Name}, which has no address");
            }
        }
        foreach (var (name, value) in service.Environment)
        {
            environment[name] = value();
        }
        return environment;
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(service.HttpEndpoint + "/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>dotnet &lt;dll&gt;</c> from the build output: starting a built dll takes about a second,
    /// <c>dotnet run</c> re-evaluates the project first (several seconds per service on this
    /// machine). Building Chronos.AppHost builds every service (ProjectReference), so the dll is
    /// normally there; when it is not, it is built once here.
    /// </summary>
    private async Task<(string, string[], string)> ProjectCommandAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var projectName = Path.GetFileNameWithoutExtension(project.ProjectPath);
        var dll = Path.Combine(BuildInfo.ArtifactsBin, projectName, BuildInfo.ArtifactsPivot, projectName + ".dll");
        var dotnet = DotnetHost.Path;
        if (!File.Exists(dll))
        {
            Context.Log.Building(project.Name, project.ProjectPath);
            await using var build = await ChildProcess.StartAsync(new ChildSpec
            {
                Name = project.Name,
                FileName = dotnet,
                Arguments = ["build", project.ProjectPath, "-c", BuildInfo.Configuration, "--nologo", "-v", "quiet"],
                WorkingDirectory = Path.GetDirectoryName(project.ProjectPath),
            }, Context.Spawner, Context.Sink);
            var code = await build.Exited.WaitAsync(cancellationToken);
            if (code != 0 || !File.Exists(dll))
            {
                throw new ResourceStartException($"{project.Name}: dotnet build {project.ProjectPath} failed (exit code {code.ToString(CultureInfo.InvariantCulture)})");
            }
        }
        // The project directory as working directory, as dotnet run uses: its appsettings.json is the content root's.
        return (dotnet, [dll, .. project.Arguments], Path.GetDirectoryName(project.ProjectPath)!);
    }
}

/// <summary>The dotnet host running the AppHost, so services run on the same runtime.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var self = Environment.ProcessPath;
        if (self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
