using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Transcripts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chronos.Gateway.Sessions;

/// <summary>
/// Runs every session channel as a real program in a sandbox on the world's mount: the user's
/// login shell from the world's passwd (interactive), <c>shell -c command</c> (exec, scp), or
/// the world's sftp-server (subsystem sftp). Terminal I/O is recorded as asciicast; typed lines
/// are audited as <c>ssh.command</c> events. With mount leases (Redis configured), a program starts
/// only once Chronos.Fuse has mounted its world; without, the world directory is used as it is.
/// </summary>
public sealed class SandboxSessionHandler(IOptions<SandboxOptions> options, ISshAuditSink audit, ILogger<SandboxSessionHandler> logger, WorldMountLeases? mounts = null, LiveSandboxes? live = null) : ISshSessionHandler
{
    public const string CommandOp = "ssh.command";

    private readonly SandboxOptions _options = options.Value;
    private int _channels;

    /// <summary>Debian's sshd_config has one Subsystem line: sftp.</summary>
    public bool AcceptsSubsystem(string name) => name == "sftp";

    public async Task<int> RunAsync(SshSessionRequest request, SshChannelStreams io, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(io);
        if (mounts is not null)
        {
            // Never a sandbox on the bare mount point directory: that would be a different, empty "world".
            await mounts.WaitUntilMountedAsync(request.World, cancellationToken);
        }
        var root = Path.Combine(_options.MountRoot, request.World);
        var account = FindAccount(root, request.UserName)
            ?? throw new InvalidOperationException($"user {request.UserName} is not in the passwd of world {request.World}");
        var channel = Interlocked.Increment(ref _channels);
        var home = Directory.Exists(Path.Combine(root, account.Home.TrimStart('/'))) ? account.Home : "/";

        var command = request.Kind switch
        {
            SshSessionKind.Exec => request.Command ?? "",
            // The connection refused every other subsystem before the channel started (AcceptsSubsystem).
            SshSessionKind.Subsystem => _options.SftpServer,
            _ => null,
        };
        var spec = new SandboxSpec
        {
            SessionId = CgroupName(request.SessionId, channel),
            RootDirectory = root,
            ReadOnlyBinds = [.. _options.ReadOnlyBinds.Select(ParseBind)],
            ProcFiles = WorldSystemFiles.ProcFiles(root),
            KernelRelease = WorldSystemFiles.KernelRelease(root),
            InitProgram = _options.InitProgram is { } init && WorldSystemFiles.CanShowInit(root) ? init : null,
            Hostname = ReadHostname(root),
            UserName = account.Name,
            Uid = account.Uid,
            Gid = account.Gid,
            Home = home,
            Shell = account.Shell,
            Command = command,
            Environment = request.Environment,
            IdShift = _options.IdShift,
            Limits = new SandboxLimits
            {
                MaxProcesses = _options.MaxProcesses,
                MemoryBytes = _options.MemoryBytes,
                CpuSeconds = _options.CpuSeconds,
                FileSizeBytes = _options.FileSizeBytes,
                OpenFiles = _options.OpenFiles,
                SessionTime = _options.SessionTime,
            },
        };
        var terminal = request.Pty is { } pty
            ? new TerminalRequest(pty.Term, (int)Math.Clamp(pty.Columns, 1u, 1000u), (int)Math.Clamp(pty.Rows, 1u, 1000u))
            : null;

        await using var transcript = OpenTranscript(request, channel, terminal);
        await using var session = SandboxSession.Start(spec, terminal, logger, live);
        Log.SessionStarted(logger, request.SessionId, request.World, account.Name, session.HostPid);
        if (home != account.Home)
        {
            // What sshd prints when the home directory is missing, before the shell starts.
            await WriteAsync(io.Error, $"Could not chdir to home directory {account.Home}: No such file or directory\r\n");
        }

        io.WindowChanged += (columns, rows) =>
        {
            var (c, r) = ((int)Math.Clamp(columns, 1u, 1000u), (int)Math.Clamp(rows, 1u, 1000u));
            session.Resize(c, r);
            _ = transcript?.ResizeAsync(c, r);
        };
        io.SignalReceived += name =>
        {
            if (Signals.FromSshName(name) is { } signal)
            {
                session.Signal(signal);
            }
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var input = PumpInputAsync(request, io.Input, session, terminal is not null, transcript, stop.Token);
        var output = PumpOutputAsync(session.Output, io.Output, transcript);
        var error = session.Error is null ? Task.CompletedTask : PumpOutputAsync(session.Error, io.Error, transcript: null);

        int status;
        try
        {
            status = await session.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
        }
        // What the program wrote before it exited still reaches the client, then EOF.
        await Task.WhenAll(output, error).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await input.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Log.SessionEnded(logger, request.SessionId, status, session.TimedOut);
        if (session.TimedOut)
        {
            throw new SshExitSignalException("session time limit") { SignalName = "KILL" };
        }
        return status;
    }

    private async Task PumpInputAsync(SshSessionRequest request, PipeReader from, SandboxSession session, bool interactive, AsciicastWriter? transcript, CancellationToken cancellationToken)
    {
        var lines = interactive ? new TypedLineRecorder() : null;
        try
        {
            while (true)
            {
                var result = await from.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    foreach (var segment in buffer)
                    {
                        await session.Input.WriteAsync(segment, cancellationToken);
                        if (transcript is not null)
                        {
                            await transcript.InputAsync(segment);
                        }
                        if (lines is not null)
                        {
                            foreach (var line in lines.Feed(segment.Span))
                            {
                                await AuditLineAsync(request, line);
                            }
                        }
                    }
                    await session.Input.FlushAsync(cancellationToken);
                }
                finally
                {
                    from.AdvanceTo(buffer.End);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
            if (!interactive)
            {
                // The client's EOF is the program's EOF (scp and sftp depend on it).
                session.Input.Close();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The program ended or the channel closed: nothing more to deliver.
        }
    }

    private static async Task PumpOutputAsync(Stream from, Stream to, AsciicastWriter? transcript)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await from.ReadAsync(buffer);
                }
                catch (IOException)
                {
                    break; // EIO: the terminal hung up after the last process closed it.
                }
                if (read == 0)
                {
                    break;
                }
                await to.WriteAsync(buffer.AsMemory(0, read));
                if (transcript is not null)
                {
                    await transcript.OutputAsync(buffer.AsMemory(0, read));
                }
            }
            await to.FlushAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away; the program is stopped by the session's disposal.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Records a typed line. A failure (Redis away, the world deleted under the session) is logged
    /// and the session goes on: an audit error must never cut the attacker's keyboard off, which
    /// is what an exception escaping the input pump did (every key after the first Enter was lost).
    /// </summary>
    private async Task AuditLineAsync(SshSessionRequest request, TypedLine line)
    {
        try
        {
            await audit.AppendAsync(request.World, request.SessionId, CommandOp, new Dictionary<string, string>
            {
                ["line"] = line.Text,
                ["edited"] = line.Edited ? "1" : "0",
                ["user"] = request.UserName,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CommandAuditFailed(logger, e, request.SessionId, line.Text);
        }
    }

    private AsciicastWriter? OpenTranscript(SshSessionRequest request, int channel, TerminalRequest? terminal)
    {
        try
        {
            var dir = Path.Combine(_options.TranscriptDirectory, request.World);
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, CgroupName(request.SessionId, channel) + ".cast");
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 4096, useAsync: true);
            return new AsciicastWriter(stream, new AsciicastHeader
            {
                Width = terminal?.Columns ?? 80,
                Height = terminal?.Rows ?? 24,
                Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                Title = $"{request.UserName}@{request.World} {request.Kind.ToString().ToLowerInvariant()} {request.Command ?? request.Subsystem ?? ""}".TrimEnd(),
                Environment = terminal is null ? null : new Dictionary<string, string> { ["TERM"] = terminal.Term },
            });
        }
        catch (IOException e)
        {
            // A session without a transcript is still audited line by line; losing the shell would be worse.
            Log.TranscriptFailed(logger, e, request.SessionId);
            return null;
        }
    }

    private static WorldAccount? FindAccount(string root, string user)
    {
        var passwd = Path.Combine(root, "etc", "passwd");
        return File.Exists(passwd) ? WorldAccount.Find(File.ReadAllText(passwd), user) : null;
    }

    private static string ReadHostname(string root)
    {
        var path = Path.Combine(root, "etc", "hostname");
        var name = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        return name.Length is > 0 and <= 64 ? name : "localhost";
    }

    /// <summary>The name of one channel's sandbox (cgroup, transcript): the SSH session id and a channel number.</summary>
    private static string CgroupName(string sessionId, int channel)
    {
        var clean = new string([.. sessionId.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(48)]);
        return string.Create(CultureInfo.InvariantCulture, $"{clean}-{channel}");
    }

    private static KeyValuePair<string, string> ParseBind(string bind)
    {
        var at = bind.IndexOf('=', StringComparison.Ordinal);
        return at < 0 ? new(bind, bind) : new(bind[..at], bind[(at + 1)..]);
    }

    private static Task WriteAsync(Stream stream, string text) =>
        stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)).AsTask();
}
