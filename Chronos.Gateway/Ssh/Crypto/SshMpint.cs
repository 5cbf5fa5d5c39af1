using System.Buffers.Binary;
using System.Numerics;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// The RFC 4251 §5 mpint encoding of a non-negative integer: uint32 length, then the two's-complement
/// big-endian bytes with no needless leading zero, and a single 0x00 prepended when the top bit is set.
/// Zero is the empty string. The exchange hash uses this for K in every KEX except the sntrup761 hybrid,
/// whose K is an SSH string (see <see cref="Sntrup761X25519"/>).
/// </summary>
public static class SshMpint
{
    /// <summary>Total bytes (including the 4-byte length) that <see cref="Write(ReadOnlySpan{byte}, Span{byte})"/> produces.</summary>
    public static int GetEncodedLength(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var magnitude = TrimLeadingZeros(unsignedBigEndian);
        var pad = magnitude.Length > 0 && (magnitude[0] & 0x80) != 0 ? 1 : 0;
        return 4 + pad + magnitude.Length;
    }

    /// <summary>Writes an unsigned big-endian magnitude as an mpint; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<byte> unsignedBigEndian, Span<byte> destination)
    {
        var magnitude = TrimLeadingZeros(unsignedBigEndian);
        var pad = magnitude.Length > 0 && (magnitude[0] & 0x80) != 0 ? 1 : 0;
        var total = 4 + pad + magnitude.Length;
        if (destination.Length < total)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(pad + magnitude.Length));
        if (pad == 1)
        {
            destination[4] = 0;
        }
        magnitude.CopyTo(destination[(4 + pad)..]);
        return total;
    }

    /// <summary>Encodes an unsigned big-endian magnitude as a complete mpint (length prefix included).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var result = new byte[GetEncodedLength(unsignedBigEndian)];
        Write(unsignedBigEndian, result);
        return result;
    }

    /// <summary>Encodes a non-negative BigInteger as a complete mpint (length prefix included).</summary>
    public static byte[] Encode(BigInteger value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return Encode(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    internal static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var i = 0;
        while (i < value.Length && value[i] == 0)
        {
            i++;
        }
        return value[i..];
    }
}
