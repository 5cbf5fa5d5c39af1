namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_DISCONNECT (RFC 4253 §11.1).</summary>
internal readonly record struct DisconnectMessage(uint ReasonCode, string Description)
{
    public byte[] Write() => new SshWriter(64)
        .WriteByte(SshMessageNumber.SSH_MSG_DISCONNECT).WriteUInt32(ReasonCode)
        .WriteString(Description).WriteString(""u8).ToArray();

    public static DisconnectMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return new DisconnectMessage(reader.ReadUInt32(), reader.ReadUtf8String());
    }
}
