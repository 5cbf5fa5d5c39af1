using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Chronos.Testing;

/// <summary>
/// A built Chronos service run as a child process, as the AppHost runs it: <c>dotnet
/// artifacts/bin/&lt;Project&gt;/&lt;config&gt;/&lt;Project&gt;.dll</c> (built next to the test
/// project, which references it), with the environment a test gives it and its output kept for
/// failure messages. Disposal kills whatever is still running.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private ServiceProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>Every line the service wrote to stdout or stderr.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>The service's built entry assembly, in the configuration the tests were built in.</summary>
    public static string BuiltDll(string project)
    {
        // artifacts/bin/<Tests>/<config>/ → artifacts/bin/<project>/<config>/<project>.dll
        var here = AppContext.BaseDirectory.TrimEnd('/');
        var path = Path.GetFullPath(Path.Combine(here, "..", "..", project, Path.GetFileName(here), project + ".dll"));
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }

    public static ServiceProcess Start(string project, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltDll(project));
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var service = new ServiceProcess(Process.Start(start)!);
        service.Process.OutputDataReceived += (_, e) => service.Output.Enqueue(e.Data ?? "");
        service.Process.ErrorDataReceived += (_, e) => service.Output.Enqueue(e.Data ?? "");
        service.Process.BeginOutputReadLine();
        service.Process.BeginErrorReadLine();
        return service;
    }

    /// <summary>SIGTERM, as the AppHost or systemd stops a service; killed when it has not exited within <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!Process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
            using var exit = new CancellationTokenSource(timeout);
            try
            {
                await Process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
        }
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
