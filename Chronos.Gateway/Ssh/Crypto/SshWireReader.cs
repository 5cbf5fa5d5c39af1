using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// Reads the RFC 4251 §5 data types (uint32, string, mpint) from key files and blobs. Every read checks
/// the remaining length first and throws <see cref="SshKeyFormatException"/>, so a hostile blob can
/// never cause an out-of-range access or a huge allocation.
/// </summary>
internal ref struct SshWireReader
{
    private ReadOnlySpan<byte> remaining;

    public SshWireReader(ReadOnlySpan<byte> data) => remaining = data;

    public readonly int Remaining => remaining.Length;

    public readonly bool IsEmpty => remaining.IsEmpty;

    public uint ReadUInt32()
    {
        if (remaining.Length < 4)
        {
            throw new SshKeyFormatException("truncated uint32");
        }
        var value = BinaryPrimitives.ReadUInt32BigEndian(remaining);
        remaining = remaining[4..];
        return value;
    }

    public byte ReadPadByte()
    {
        if (remaining.IsEmpty)
        {
            throw new SshKeyFormatException("truncated byte");
        }
        var value = remaining[0];
        remaining = remaining[1..];
        return value;
    }

    public ReadOnlySpan<byte> ReadString()
    {
        var length = ReadUInt32();
        if (length > (uint)remaining.Length)
        {
            throw new SshKeyFormatException($"string length {length} exceeds the {remaining.Length} bytes left");
        }
        var value = remaining[..(int)length];
        remaining = remaining[(int)length..];
        return value;
    }

    public string ReadAsciiString()
    {
        var bytes = ReadString();
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                throw new SshKeyFormatException("name contains a non-printable byte");
            }
        }
        return Encoding.ASCII.GetString(bytes);
    }

    public string ReadUtf8String()
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(ReadString());
        }
        catch (DecoderFallbackException e)
        {
            throw new SshKeyFormatException("string is not UTF-8", e);
        }
    }

    /// <summary>Reads an mpint and requires it to be non-negative; returns its magnitude, big-endian, no leading zeros.</summary>
    public ReadOnlySpan<byte> ReadPositiveMpint()
    {
        var bytes = ReadString();
        if (bytes.Length > 0 && (bytes[0] & 0x80) != 0)
        {
            throw new SshKeyFormatException("negative mpint");
        }
        while (bytes.Length > 0 && bytes[0] == 0)
        {
            bytes = bytes[1..];
        }
        return bytes;
    }

    public BigInteger ReadPositiveMpintAsBigInteger() =>
        new(ReadPositiveMpint(), isUnsigned: true, isBigEndian: true);

    public void ExpectEnd()
    {
        if (!remaining.IsEmpty)
        {
            throw new SshKeyFormatException($"{remaining.Length} unexpected trailing bytes");
        }
    }
}
