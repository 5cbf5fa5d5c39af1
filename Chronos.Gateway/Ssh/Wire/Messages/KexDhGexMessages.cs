namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_KEX_DH_GEX_REQUEST (RFC 4419 §3): min, preferred and max group size in bits.</summary>
internal readonly record struct KexDhGexRequestMessage(uint Min, uint Preferred, uint Max)
{
    public static KexDhGexRequestMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return new KexDhGexRequestMessage(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
    }
}

/// <summary>SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 §3): the safe prime p and generator g.</summary>
internal static class KexDhGexGroupMessage
{
    public static byte[] Write(ReadOnlySpan<byte> prime, ReadOnlySpan<byte> generator) =>
        new SshWriter(prime.Length + 16).WriteByte(SshMessageNumber.SSH_MSG_KEX_DH_GEX_GROUP)
            .WriteMPInt(prime).WriteMPInt(generator).ToArray();
}
