namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>The common head of SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5); the method-specific rest stays in the reader.</summary>
internal readonly record struct UserAuthRequestHead(string UserName, string ServiceName, string MethodName)
{
    public static UserAuthRequestHead Read(ref SshReader reader)
    {
        reader.ReadByte();
        return new UserAuthRequestHead(reader.ReadUtf8String(), reader.ReadAsciiString(), reader.ReadAsciiString());
    }
}

/// <summary>SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1).</summary>
internal readonly record struct UserAuthFailureMessage(string MethodsThatCanContinue, bool PartialSuccess)
{
    public byte[] Write() => new SshWriter(48).WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE)
        .WriteString(MethodsThatCanContinue).WriteBoolean(PartialSuccess).ToArray();
}

/// <summary>SSH_MSG_USERAUTH_SUCCESS (RFC 4252 §5.1).</summary>
internal static class UserAuthSuccessMessage
{
    public static byte[] Write() => [SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS];
}

/// <summary>SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7): the key the client may sign with.</summary>
internal static class UserAuthPkOkMessage
{
    public static byte[] Write(string algorithm, ReadOnlySpan<byte> publicKeyBlob) =>
        new SshWriter(publicKeyBlob.Length + 48).WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_PK_OK)
            .WriteString(algorithm).WriteString(publicKeyBlob).ToArray();
}

/// <summary>SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2) with one echo-off prompt, as PAM's "Password: ".</summary>
internal static class UserAuthInfoRequestMessage
{
    public static byte[] Write(string prompt, bool echo) =>
        new SshWriter(48).WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_INFO_REQUEST)
            .WriteString("").WriteString("").WriteString("").WriteUInt32(1)
            .WriteString(prompt).WriteBoolean(echo).ToArray();
}
