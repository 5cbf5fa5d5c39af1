namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>
/// SSH_MSG_KEX_ECDH_INIT (RFC 5656 §4; RFC 8731 §3 for curve25519; the hybrid sntrup761x25519 uses
/// the same shape) and SSH_MSG_KEXDH_INIT (RFC 4253 §8), whose e is an mpint: both carry one string.
/// </summary>
internal readonly ref struct KexEcdhInitMessage
{
    public KexEcdhInitMessage(ReadOnlySpan<byte> clientPublic) => ClientPublic = clientPublic;

    public ReadOnlySpan<byte> ClientPublic { get; }

    public static KexEcdhInitMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return new KexEcdhInitMessage(reader.ReadString());
    }
}

/// <summary>SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §4) / SSH_MSG_KEXDH_REPLY / SSH_MSG_KEX_DH_GEX_REPLY.</summary>
internal static class KexReplyMessage
{
    /// <summary>K_S, Q_S (string, or mpint f for finite-field DH already encoded), signature.</summary>
    public static byte[] Write(byte messageNumber, ReadOnlySpan<byte> hostKeyBlob, ReadOnlySpan<byte> serverPublicEncoded, ReadOnlySpan<byte> signature) =>
        new SshWriter(hostKeyBlob.Length + serverPublicEncoded.Length + signature.Length + 16)
            .WriteByte(messageNumber).WriteString(hostKeyBlob).WriteRaw(serverPublicEncoded).WriteString(signature).ToArray();
}
