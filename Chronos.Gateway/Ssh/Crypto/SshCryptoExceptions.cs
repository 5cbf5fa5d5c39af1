namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// A key exchange cannot continue because the peer's value is malformed or degenerate (wrong length,
/// point not on the curve, e outside 1..p-2, all-zero shared secret). Connection-fatal: the transport
/// closes the connection as OpenSSH does (no DISCONNECT for a bad KEX value).
/// </summary>
public sealed class SshKexException : Exception
{
    public SshKexException() { }

    public SshKexException(string message) : base(message) { }

    public SshKexException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A key file, public key blob or signature blob is malformed or of an unsupported type.</summary>
public sealed class SshKeyFormatException : Exception
{
    public SshKeyFormatException() { }

    public SshKeyFormatException(string message) : base(message) { }

    public SshKeyFormatException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A compressed payload is malformed or inflates beyond the allowed size (a decompression bomb).</summary>
public sealed class SshCompressionException : Exception
{
    public SshCompressionException() { }

    public SshCompressionException(string message) : base(message) { }

    public SshCompressionException(string message, Exception innerException) : base(message, innerException) { }
}
