using System.Diagnostics;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Chronos.Bench.Sessions;

/// <summary>
/// One interactive login driven as a person at a terminal: SSH.NET with a pty (xterm 80x24),
/// keys sent one at a time. Arrival times are taken in SSH.NET's receive callback, so the
/// latencies do not include this process scheduling its own continuations.
/// </summary>
internal sealed class InteractiveSession : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly SshClient _client;
    private readonly Lock _gate = new();
    private readonly StringBuilder _received = new();
    private ShellStream? _shell;
    private Func<StringBuilder, bool>? _until;
    private TaskCompletionSource<long>? _arrived;

    private InteractiveSession(SshClient client) => _client = client;

    /// <summary>
    /// Connects, authenticates, starts a shell and waits for its first prompt; returns the session,
    /// how long that took and how much of it went to connecting and authenticating.
    /// </summary>
    public static async Task<(InteractiveSession Session, TimeSpan Open, TimeSpan Authenticated)> OpenAsync(int port, PrivateKeyFile key, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var client = new SshClient(new ConnectionInfo("127.0.0.1", port, "root", new PrivateKeyAuthenticationMethod("root", key))
        {
            Timeout = Patience,
        });
        var session = new InteractiveSession(client);
        try
        {
            await client.ConnectAsync(cancellationToken);
            var authenticated = Stopwatch.GetElapsedTime(start);
            var prompt = session.Expect(IsPrompt);
            // Opening the channel blocks on its replies: keep it off the caller's thread.
            var shell = await Task.Run(() => client.CreateShellStream("xterm", 80, 24, 0, 0, 4096), cancellationToken);
            shell.DataReceived += session.OnData;
            lock (session._gate)
            {
                session._shell = shell;
                // Whatever arrived before the handler was attached is only in the stream's buffer.
                session.Drain();
            }
            try
            {
                var ready = await prompt.WaitAsync(Patience, cancellationToken);
                return (session, Stopwatch.GetElapsedTime(start, ready), authenticated);
            }
            catch (TimeoutException)
            {
                lock (session._gate)
                {
                    throw new TimeoutException($"no prompt within {Patience.TotalSeconds} s; output: {session._received.ToString().ReplaceLineEndings("\\n")}");
                }
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Sends one key and returns the time until its echo arrived.</summary>
    public async Task<TimeSpan> TypeAsync(char key, CancellationToken cancellationToken)
    {
        var echo = Expect(text => text.ToString().Contains(key, StringComparison.Ordinal));
        var sent = Send(key);
        var arrived = await echo.WaitAsync(Patience, cancellationToken);
        return Stopwatch.GetElapsedTime(sent, arrived);
    }

    /// <summary>Presses Enter and returns the time until the next prompt (the command has run).</summary>
    public async Task<TimeSpan> EnterAsync(CancellationToken cancellationToken)
    {
        var prompt = Expect(IsPrompt);
        var sent = Send('\r');
        var arrived = await prompt.WaitAsync(Patience, cancellationToken);
        return Stopwatch.GetElapsedTime(sent, arrived);
    }

    private long Send(char key)
    {
        var shell = _shell ?? throw new InvalidOperationException("not open");
        var sent = Stopwatch.GetTimestamp();
        shell.WriteByte((byte)key);
        shell.Flush();
        return sent;
    }

    /// <summary>bash's prompt ends the output with "# " (root), possibly followed by nothing else.</summary>
    private static bool IsPrompt(StringBuilder text) =>
        text.Length >= 2 && text[^2] == '#' && text[^1] == ' ';

    /// <summary>Starts waiting for output that satisfies <paramref name="until"/>, counting only what arrives from now on.</summary>
    private Task<long> Expect(Func<StringBuilder, bool> until)
    {
        var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _received.Clear();
            _until = until;
            _arrived = arrived;
        }
        return arrived.Task;
    }

    private void OnData(object? sender, ShellDataEventArgs e)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _received.Append(Encoding.Latin1.GetString(e.Data));
            Check(now);
        }
    }

    /// <summary>Empties the stream's own buffer (it keeps a copy of everything the event reports).</summary>
    private void Drain()
    {
        var buffer = new byte[4096];
        while (_shell!.DataAvailable)
        {
            var read = _shell.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }
            if (_arrived is { Task.IsCompleted: false })
            {
                _received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        Check(Stopwatch.GetTimestamp());
    }

    private void Check(long now)
    {
        if (_arrived is { } arrived && _until!(_received))
        {
            _arrived = null;
            arrived.TrySetResult(now);
        }
    }

    /// <summary>Between commands: drop what the stream buffered so a long run holds no more than one screen.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        try
        {
            _shell?.Dispose();
            _client.Disconnect();
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
        }
        _client.Dispose();
    }
}
