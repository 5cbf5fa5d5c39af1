namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1); type-specific data stays in the reader.</summary>
internal readonly record struct ChannelOpenHead(string ChannelType, uint SenderChannel, uint InitialWindowSize, uint MaximumPacketSize)
{
    public static ChannelOpenHead Read(ref SshReader reader)
    {
        reader.ReadByte();
        return new ChannelOpenHead(reader.ReadAsciiString(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
    }
}

/// <summary>SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).</summary>
internal readonly record struct ChannelOpenConfirmationMessage(uint RecipientChannel, uint SenderChannel, uint InitialWindowSize, uint MaximumPacketSize)
{
    public byte[] Write() => new SshWriter(17).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_OPEN_CONFIRMATION)
        .WriteUInt32(RecipientChannel).WriteUInt32(SenderChannel).WriteUInt32(InitialWindowSize).WriteUInt32(MaximumPacketSize).ToArray();
}

/// <summary>SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).</summary>
internal readonly record struct ChannelOpenFailureMessage(uint RecipientChannel, uint ReasonCode, string Description)
{
    public byte[] Write() => new SshWriter(48).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_OPEN_FAILURE)
        .WriteUInt32(RecipientChannel).WriteUInt32(ReasonCode).WriteString(Description).WriteString("").ToArray();
}

/// <summary>SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).</summary>
internal readonly record struct ChannelWindowAdjustMessage(uint RecipientChannel, uint BytesToAdd)
{
    public byte[] Write() => new SshWriter(9).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_WINDOW_ADJUST)
        .WriteUInt32(RecipientChannel).WriteUInt32(BytesToAdd).ToArray();
}

/// <summary>SSH_MSG_CHANNEL_DATA and SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2).</summary>
internal static class ChannelDataMessage
{
    public static byte[] Write(uint recipientChannel, ReadOnlySpan<byte> data) =>
        new SshWriter(data.Length + 9).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_DATA)
            .WriteUInt32(recipientChannel).WriteString(data).ToArray();

    public static byte[] WriteExtended(uint recipientChannel, uint dataTypeCode, ReadOnlySpan<byte> data) =>
        new SshWriter(data.Length + 13).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_EXTENDED_DATA)
            .WriteUInt32(recipientChannel).WriteUInt32(dataTypeCode).WriteString(data).ToArray();
}

/// <summary>SSH_MSG_CHANNEL_EOF, _CLOSE, _SUCCESS, _FAILURE (RFC 4254 §5.3, §5.4): number and recipient only.</summary>
internal static class ChannelSignalMessage
{
    public static byte[] Write(byte messageNumber, uint recipientChannel) =>
        new SshWriter(5).WriteByte(messageNumber).WriteUInt32(recipientChannel).ToArray();
}

/// <summary>SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4); request data stays in the reader.</summary>
internal readonly record struct ChannelRequestHead(uint RecipientChannel, string RequestType, bool WantReply)
{
    public static ChannelRequestHead Read(ref SshReader reader)
    {
        reader.ReadByte();
        return new ChannelRequestHead(reader.ReadUInt32(), reader.ReadAsciiString(), reader.ReadBoolean());
    }

    /// <summary>"exit-status" (RFC 4254 §6.10), want-reply false.</summary>
    public static byte[] WriteExitStatus(uint recipientChannel, uint status) =>
        new SshWriter(32).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_REQUEST).WriteUInt32(recipientChannel)
            .WriteString("exit-status").WriteBoolean(false).WriteUInt32(status).ToArray();

    /// <summary>"exit-signal" (RFC 4254 §6.10), want-reply false; signal name without "SIG".</summary>
    public static byte[] WriteExitSignal(uint recipientChannel, string signalName, bool coreDumped, string message) =>
        new SshWriter(64).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_REQUEST).WriteUInt32(recipientChannel)
            .WriteString("exit-signal").WriteBoolean(false).WriteString(signalName).WriteBoolean(coreDumped)
            .WriteString(message).WriteString("").ToArray();
}
