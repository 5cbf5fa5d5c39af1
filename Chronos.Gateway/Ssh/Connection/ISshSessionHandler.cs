namespace Chronos.Gateway.Ssh.Connection;

/// <summary>What the client asked a session channel to run (RFC 4254 §6.5).</summary>
public enum SshSessionKind
{
    Shell = 1,
    Exec = 2,
    Subsystem = 3,
}

/// <summary>The terminal asked for with pty-req (RFC 4254 §6.2).</summary>
public sealed record SshPty(string Term, uint Columns, uint Rows, uint WidthPixels, uint HeightPixels, byte[] Modes);

/// <summary>Everything the sandbox needs to start one session's program.</summary>
public sealed record SshSessionRequest(
    string World,
    string SessionId,
    string UserName,
    string ClientVersion,
    System.Net.EndPoint? RemoteEndPoint,
    SshSessionKind Kind,
    string? Command,
    string? Subsystem,
    SshPty? Pty,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Runs the program of a session channel (the sandboxed shell, issue 6). Returns the exit status,
/// or throws <see cref="SshExitSignalException"/> for a program killed by a signal.
/// </summary>
public interface ISshSessionHandler
{
    Task<int> RunAsync(SshSessionRequest request, SshChannelStreams io, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a "subsystem" request for <paramref name="name"/> can run. Asked before the
    /// program starts, so an unknown one gets SSH_MSG_CHANNEL_FAILURE and the channel stays
    /// open, as sshd answers a subsystem it has no Subsystem line for.
    /// </summary>
    bool AcceptsSubsystem(string name);
}

/// <summary>The program ended on a signal: sent as exit-signal (RFC 4254 §6.10) instead of exit-status.</summary>
public sealed class SshExitSignalException : Exception
{
    public SshExitSignalException()
    {
    }

    public SshExitSignalException(string message) : base(message)
    {
    }

    public SshExitSignalException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Signal name without "SIG" (TERM, KILL, …).</summary>
    public string SignalName { get; init; } = "KILL";

    public bool CoreDumped { get; init; }
}
