using System.Diagnostics;
using System.Text;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// A running <c>ssh host command</c> whose stdin the test writes and closes when it chooses, so a
/// command can wait on <c>read</c> until the test has looked at it from the host.
/// </summary>
public sealed class OpenSshProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private OpenSshProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static OpenSshProcess Start(IEnumerable<string> arguments, IDictionary<string, string?> environment)
    {
        var startInfo = new ProcessStartInfo("ssh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        return new OpenSshProcess(Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start ssh"));
    }

    /// <summary>What the remote command has written to stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A line on the command's stdin (a <c>read</c> in it returns).</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>EOF on the command's stdin.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until stdout contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited && _stdout.IsCompleted && !Output.Contains(text, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"ssh exited ({_process.ExitCode}) before '{text}' appeared; stdout: {Output}");
            }
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>Waits for ssh to end and returns its exit status and everything it printed.</summary>
    public async Task<ProcessResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
        await _stdout;
        return new ProcessResult(_process.ExitCode, Output, await _stderr);
    }

    private async Task PumpAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_output)
            {
                _output.Append(buffer, 0, read);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
