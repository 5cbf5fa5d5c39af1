using System.Diagnostics;

namespace Chronos.AppHost.Orchestration;

/// <summary>How a child is launched: program, arguments, environment, and the signal it gets if the AppHost dies.</summary>
internal sealed record ChildSpec
{
    public required string Name { get; init; }
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Sent by the kernel if the AppHost dies without stopping the child (even by SIGKILL).</summary>
    public string DeathSignal { get; init; } = "KILL";
    /// <summary>Run as this user (setpriv --reuid/--regid/--init-groups); null keeps the AppHost's.</summary>
    public string? User { get; init; }
}

/// <summary>
/// One running child: launched through <c>setpriv [--reuid U] --pdeathsig S -- setsid program ...</c>
/// so that it dies with the AppHost (PR_SET_PDEATHSIG) and sits in its own session, where a
/// terminal's Ctrl+C reaches only the AppHost, which then stops children in dependency order.
/// Its stdout and stderr are read as bytes and written line by line through the sink.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _pumps;

    private ChildProcess(string name, Process process, ConsoleSink sink)
    {
        Name = name;
        _process = process;
        Pid = process.Id;
        _pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput.BaseStream, sink, name, isError: false),
            PumpAsync(process.StandardError.BaseStream, sink, name, isError: true));
        Exited = WaitForExitAsync();
    }

    public string Name { get; }

    public int Pid { get; }

    /// <summary>Completes with the exit code when the child has exited and its output is drained.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public static async Task<ChildProcess> StartAsync(ChildSpec spec, ProcessSpawner spawner, ConsoleSink sink)
    {
        var startInfo = new ProcessStartInfo("setpriv")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? Directory.GetCurrentDirectory(),
        };
        if (spec.User is { } user)
        {
            startInfo.ArgumentList.Add("--reuid=" + user);
            startInfo.ArgumentList.Add("--regid=" + user);
            startInfo.ArgumentList.Add("--init-groups");
        }
        startInfo.ArgumentList.Add("--pdeathsig=" + spec.DeathSignal);
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add("setsid");
        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in spec.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = await spawner.StartAsync(startInfo);
        // Children read nothing: a closed stdin instead of the AppHost's terminal.
        process.StandardInput.Close();
        return new ChildProcess(spec.Name, process, sink);
    }

    public bool Signal(int signal) => !HasExited && Native.SendSignal(Pid, signal);

    /// <summary>
    /// Stops the child: <paramref name="graceful"/> asks it (a signal or a command), then it gets
    /// <paramref name="timeout"/> to exit before SIGKILL. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(Func<Task> graceful, TimeSpan timeout)
    {
        if (!HasExited)
        {
            try
            {
                await graceful();
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // The polite way failed (the server no longer answers): fall through to the deadline and SIGKILL.
            }
            try
            {
                return await Exited.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Signal(Native.SIGKILL);
            }
        }
        return await Exited;
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        await _pumps;
        return _process.ExitCode;
    }

    private static async Task PumpAsync(Stream stream, ConsoleSink sink, string name, bool isError)
    {
        var splitter = new LineSplitter(line => sink.WriteLine(name, line, isError));
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            splitter.Write(buffer.AsSpan(0, read));
        }
        splitter.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            Signal(Native.SIGKILL);
            await Exited;
        }
        _process.Dispose();
    }
}
