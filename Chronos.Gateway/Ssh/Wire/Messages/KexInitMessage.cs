using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_KEXINIT (RFC 4253 §7.1).</summary>
internal sealed record KexInitMessage(
    string[] KexAlgorithms,
    string[] ServerHostKeyAlgorithms,
    string[] EncryptionClientToServer,
    string[] EncryptionServerToClient,
    string[] MacClientToServer,
    string[] MacServerToClient,
    string[] CompressionClientToServer,
    string[] CompressionServerToClient,
    string[] LanguagesClientToServer,
    string[] LanguagesServerToClient,
    bool FirstKexPacketFollows)
{
    public static KexInitMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        if (reader.ReadByte() != SshMessageNumber.SSH_MSG_KEXINIT)
        {
            throw SshProtocolException.Silent("not a KEXINIT");
        }
        reader.ReadBytes(16);
        var message = new KexInitMessage(
            reader.ReadNameList(), reader.ReadNameList(), reader.ReadNameList(), reader.ReadNameList(),
            reader.ReadNameList(), reader.ReadNameList(), reader.ReadNameList(), reader.ReadNameList(),
            reader.ReadNameList(), reader.ReadNameList(), reader.ReadBoolean());
        reader.ReadUInt32();
        return message;
    }

    public byte[] Write()
    {
        var writer = new SshWriter(1024);
        writer.WriteByte(SshMessageNumber.SSH_MSG_KEXINIT);
        Span<byte> cookie = stackalloc byte[16];
        RandomNumberGenerator.Fill(cookie);
        writer.WriteRaw(cookie);
        writer.WriteNameList(KexAlgorithms).WriteNameList(ServerHostKeyAlgorithms)
            .WriteNameList(EncryptionClientToServer).WriteNameList(EncryptionServerToClient)
            .WriteNameList(MacClientToServer).WriteNameList(MacServerToClient)
            .WriteNameList(CompressionClientToServer).WriteNameList(CompressionServerToClient)
            .WriteNameList(LanguagesClientToServer).WriteNameList(LanguagesServerToClient)
            .WriteBoolean(FirstKexPacketFollows).WriteUInt32(0);
        return writer.ToArray();
    }
}
