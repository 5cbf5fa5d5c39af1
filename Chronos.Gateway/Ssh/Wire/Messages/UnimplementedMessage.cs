namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4): names the rejected packet's sequence number.</summary>
internal readonly record struct UnimplementedMessage(uint SequenceNumber)
{
    public byte[] Write() => new SshWriter(8)
        .WriteByte(SshMessageNumber.SSH_MSG_UNIMPLEMENTED).WriteUInt32(SequenceNumber).ToArray();
}
