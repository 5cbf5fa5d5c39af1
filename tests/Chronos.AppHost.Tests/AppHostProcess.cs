using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Chronos.AppHost.Tests;

/// <summary>
/// The real AppHost as a child process (<c>dotnet Chronos.AppHost.dll</c>), with its own state
/// directory, its output collected line by line so tests can wait on what it prints.
/// </summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private readonly bool _ownsStateDirectory;

    private AppHostProcess(Process process, string stateDirectory, bool ownsStateDirectory)
    {
        _process = process;
        StateDirectory = stateDirectory;
        _ownsStateDirectory = ownsStateDirectory;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StateDirectory { get; }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>The built AppHost next to the services it runs (artifacts/bin/Chronos.AppHost/&lt;pivot&gt;/).</summary>
    public static string AppHostDll
    {
        get
        {
            var metadata = typeof(Chronos.AppHost.AppHostOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .ToDictionary(a => a.Key, a => a.Value);
            return Path.Combine(metadata["ChronosArtifactsBin"]!, "Chronos.AppHost", metadata["ChronosArtifactsPivot"]!, "Chronos.AppHost.dll");
        }
    }

    public static string NewStateDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "chronos-apphost-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static AppHostProcess Start(string? stateDirectory = null, IDictionary<string, string?>? environment = null)
    {
        var ownsStateDirectory = stateDirectory is null;
        stateDirectory ??= NewStateDirectory();
        var startInfo = new ProcessStartInfo(DotnetPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add(AppHostDll);
        startInfo.Environment["CHRONOS_STATE_DIR"] = stateDirectory;
        startInfo.Environment["NO_COLOR"] = "1";
        // The orchestration under test, without mounting /run/chronos/worlds or taking port 2222
        // (the full stack is started by the end-to-end test that asks for it).
        startInfo.Environment["Chronos__AppHost__Services"] = "hypervisor";
        // The test host's own settings must not leak into the AppHost under test.
        startInfo.Environment.Remove("ConnectionStrings__redis");
        startInfo.Environment.Remove("ConnectionStrings__postgres");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start the AppHost");
        return new AppHostProcess(process, stateDirectory, ownsStateDirectory);
    }

    public static string DotnetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "/usr/bin/dotnet";

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _lineArrived.Release();
        }
    }

    /// <summary>Waits for a line matching <paramref name="match"/>; fails with the whole output if it does not come or the AppHost exits.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (_process.HasExited && _lineArrived.CurrentCount == 0)
            {
                // Drain: the exit can race the last lines.
                await _process.WaitForExitAsync();
                if (_lines.FirstOrDefault(match) is { } late)
                {
                    return late;
                }
                throw new InvalidOperationException($"the AppHost exited ({_process.ExitCode}) without printing the line:\n{Output}");
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no such line within {timeout}:\n{Output}");
            }
            await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 500)));
        }
    }

    /// <summary>Waits for the summary table and the up line.</summary>
    public Task WaitUntilUpAsync() => WaitForLineAsync(l => l.StartsWith("Chronos is up", StringComparison.Ordinal), TimeSpan.FromMinutes(3));

    /// <summary>A row of the summary table: state, endpoint, pid.</summary>
    public (string State, string Endpoint, int? Pid) Row(string name)
    {
        foreach (var line in _lines)
        {
            var m = SummaryRow().Match(line);
            if (m.Success && m.Groups["name"].Value == name)
            {
                return (m.Groups["state"].Value, m.Groups["endpoint"].Value,
                    m.Groups["pid"].Value == "-" ? null : int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture));
            }
        }
        throw new InvalidOperationException($"no summary row for {name}:\n{Output}");
    }

    public int RedisPort => int.Parse(Row("redis").Endpoint.Split(':')[^1], CultureInfo.InvariantCulture);

    public void Signal(string signal) =>
        Process.Start("kill", ["-s", signal, Pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    [GeneratedRegex(@"^(?<name>[a-z0-9-]+)\s+(?<state>Running|Healthy|External|Starting)\s+(?<endpoint>\S+(?:, \S+)*)\s+(?<pid>\d+|-)$")]
    private static partial Regex SummaryRow();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal("TERM");
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        if (!_ownsStateDirectory)
        {
            return;
        }
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
