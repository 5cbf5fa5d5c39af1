namespace Chronos.Gateway.Ssh.Wire;

/// <summary>
/// Malformed or out-of-order input from the peer. Connection-fatal: the session answers as sshd
/// would (a DISCONNECT where sshd sends one, otherwise a silent close) and ends.
/// </summary>
public sealed class SshProtocolException : Exception
{
    public SshProtocolException()
    {
    }

    public SshProtocolException(string message) : base(message)
    {
    }

    public SshProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The DISCONNECT to send before closing, or null when sshd closes silently.</summary>
    public uint? DisconnectReason { get; init; }

    /// <summary>The description sent in the DISCONNECT (sshd's exact words).</summary>
    public string? DisconnectDescription { get; init; }

    public static SshProtocolException Silent(string message) => new(message);

    public static SshProtocolException Disconnect(uint reason, string description) =>
        new(description) { DisconnectReason = reason, DisconnectDescription = description };
}
