namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_SERVICE_REQUEST (RFC 4253 §10).</summary>
internal readonly record struct ServiceRequestMessage(string ServiceName)
{
    public static ServiceRequestMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return new ServiceRequestMessage(reader.ReadAsciiString());
    }
}

/// <summary>SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).</summary>
internal readonly record struct ServiceAcceptMessage(string ServiceName)
{
    public byte[] Write() => new SshWriter(32)
        .WriteByte(SshMessageNumber.SSH_MSG_SERVICE_ACCEPT).WriteString(ServiceName).ToArray();
}
