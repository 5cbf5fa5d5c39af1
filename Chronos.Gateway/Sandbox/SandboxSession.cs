using System.Diagnostics;
using System.IO.Pipes;
using Chronos.Gateway.Sandbox.Native;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Sandbox;

/// <summary>What a client asked for with pty-req (RFC 4254 §6.2).</summary>
public sealed record TerminalRequest(string Term, int Columns, int Rows);

/// <summary>
/// One running session: the user's shell (or an exec'd command) in its sandbox, with either a
/// pseudo-terminal (interactive) or three pipes (exec without a pty, sftp, scp). Ending the
/// session, by exit, by its time limit or by disposal, kills every process it started.
/// </summary>
public sealed class SandboxSession : IAsyncDisposable
{
    /// <summary>Debian's fixed gid of group tty (base-passwd), which owns every login terminal.</summary>
    public const uint TtyGroup = 5;

    private readonly Process _process;
    private readonly PseudoTerminal? _terminal;
    private readonly CancellationTokenSource _timeLimit;
    private readonly CancellationTokenRegistration _timeLimitKill;
    private readonly Task<int> _exit;
    private readonly LiveSandboxes? _live;

    private SandboxSession(Process process, PseudoTerminal? terminal, SessionCgroup? cgroup, TimeSpan timeLimit, LiveSandboxes? live)
    {
        _process = process;
        _live = live;
        _terminal = terminal;
        Cgroup = cgroup;
        _timeLimit = new CancellationTokenSource(timeLimit);
        _timeLimitKill = _timeLimit.Token.Register(Kill);
        if (terminal is not null)
        {
            Input = Output = terminal.Master;
        }
        else
        {
            // Process's own pipe streams block a pool thread per pending read; these park in epoll.
            Input = DescriptorStream.TakeOver((PipeStream)process.StandardInput.BaseStream);
            Output = DescriptorStream.TakeOver((PipeStream)process.StandardOutput.BaseStream);
            Error = DescriptorStream.TakeOver((PipeStream)process.StandardError.BaseStream);
        }
        _exit = WaitAsync();
    }

    /// <summary>What the client types or sends (the terminal's master, or the command's stdin).</summary>
    public Stream Input { get; }

    /// <summary>What the client sees (the terminal's master, or the command's stdout).</summary>
    public Stream Output { get; }

    /// <summary>The command's stderr (extended data); null with a terminal, where both streams are one.</summary>
    public Stream? Error { get; }

    public SessionCgroup? Cgroup { get; }

    public int HostPid => _process.Id;

    /// <summary>True when the session ended because its time limit passed.</summary>
    public bool TimedOut => _timeLimit.IsCancellationRequested;

    /// <summary>Starts the session. Throws <see cref="SandboxUnavailableException"/> when this host cannot sandbox.</summary>
    /// <param name="live">Where the session is listed from start until its disposal has finished (the host's shutdown uses it).</param>
    public static SandboxSession Start(SandboxSpec spec, TerminalRequest? terminal, ILogger? logger = null, LiveSandboxes? live = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var pty = terminal is null ? null : PseudoTerminal.Open(terminal.Columns, terminal.Rows);
        var cgroup = SessionCgroup.TryCreate(spec.SessionId, spec.Limits, logger: logger);
        try
        {
            pty?.SetOwner(spec.IdShift + spec.Uid, spec.IdShift + TtyGroup);
            var startInfo = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(SandboxCommandLine.HostWrapperScript);
            startInfo.ArgumentList.Add("chronos-session");
            foreach (var argument in SandboxCommandLine.Build(spec, terminal?.Term, pty?.SlavePath))
            {
                startInfo.ArgumentList.Add(argument);
            }
            startInfo.Environment["CHRONOS_TTY"] = pty?.SlavePath ?? "";
            startInfo.Environment["CHRONOS_CGROUPS"] = cgroup is null ? "" : string.Join(' ', cgroup.Directories);

            // Every descriptor the runtime opens is close-on-exec, but what the Gateway inherited
            // from whatever started it (a shell's, a CI runner's) is not, and bubblewrap passes on
            // what it is given: marked here, so a session without chronos-init (which closes them
            // itself) gets stdin, stdout and stderr only. Kernels before 5.11 refuse the flag.
            _ = Libc.close_range(3, uint.MaxValue, Libc.CLOSE_RANGE_CLOEXEC);
            var process = SpawnerThread.Start(startInfo);
            if (pty is not null)
            {
                // The session reads and writes the terminal; these pipes only kept the host's stdio out.
                process.StandardInput.Close();
            }
            var session = new SandboxSession(process, pty, cgroup, spec.Limits.SessionTime, live);
            live?.Add(session);
            return session;
        }
        catch
        {
            pty?.Dispose();
            cgroup?.Dispose();
            throw;
        }
    }

    /// <summary>window-change: the shell sees SIGWINCH and the new size.</summary>
    public void Resize(int columns, int rows) => _terminal?.Resize(columns, rows);

    /// <summary>
    /// An SSH "signal" request: delivered to every process of the session but the sandbox's own
    /// supervisor (sshd signals the session's child; here the shell and what it runs).
    /// </summary>
    public void Signal(int signal)
    {
        if (Cgroup is null)
        {
            Signals.Kill(_process.Id, signal);
            return;
        }
        Cgroup.SignalAll(signal, except: _process.Id);
    }

    /// <summary>The exit status of the shell or command (128 + n for a signal, as a shell reports it).</summary>
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _exit.WaitAsync(cancellationToken);

    public void Kill()
    {
        try
        {
            if (Cgroup is not null)
            {
                // The cgroup holds every process of the session, and kills them without racing
                // pid reuse; .NET's process-tree walk would not be race-free.
                Cgroup.KillAll();
                _process.Kill();
            }
            else
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Already gone, or the cgroup was removed meanwhile: nothing is left to kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // First the timer: its kill must never run against a cgroup that is being removed.
        await _timeLimitKill.DisposeAsync();
        Kill();
        try
        {
            await _exit.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or IOException or UnauthorizedAccessException)
        {
            // Still running, or its cgroup failed to kill: the cgroup's disposal tries again and logs.
        }
        Cgroup?.Dispose();
        if (_terminal is null)
        {
            Input.Dispose();
            Output.Dispose();
            Error?.Dispose();
        }
        _terminal?.Dispose();
        _process.Dispose();
        _timeLimit.Dispose();
        _live?.Remove(this);
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        // The shell is gone: whatever it left running dies with the session, and the terminal's
        // master sees the hang-up once the Gateway's slave descriptor is closed too.
        Cgroup?.KillAll();
        _terminal?.CloseSlave();
        return _process.ExitCode;
    }
}

public sealed class SandboxUnavailableException(string message) : Exception(message);
