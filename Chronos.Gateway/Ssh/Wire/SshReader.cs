using System.Buffers.Binary;
using System.Text;

namespace Chronos.Gateway.Ssh.Wire;

/// <summary>
/// Reads the RFC 4251 §5 data types from one decrypted payload. Every read checks the remaining
/// size first and throws <see cref="SshProtocolException"/> on truncation; nothing is copied
/// except the strings a caller asks to materialise.
/// </summary>
internal ref struct SshReader
{
    /// <summary>sshd's own bound on one string inside a packet (PACKET_MAX_SIZE is 256 KiB).</summary>
    private const int MaxStringLength = 256 * 1024;

    private ReadOnlySpan<byte> _remaining;

    public SshReader(ReadOnlySpan<byte> payload) => _remaining = payload;

    public readonly int Remaining => _remaining.Length;

    public readonly bool IsAtEnd => _remaining.IsEmpty;

    public byte ReadByte()
    {
        Need(1);
        var value = _remaining[0];
        _remaining = _remaining[1..];
        return value;
    }

    public bool ReadBoolean() => ReadByte() != 0;

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_remaining);
        _remaining = _remaining[4..];
        return value;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64BigEndian(_remaining);
        _remaining = _remaining[8..];
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var value = _remaining[..count];
        _remaining = _remaining[count..];
        return value;
    }

    /// <summary>string (RFC 4251 §5): uint32 length then that many bytes.</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        var length = ReadUInt32();
        if (length > MaxStringLength || length > (uint)_remaining.Length)
        {
            throw SshProtocolException.Silent($"string of {length} bytes with {_remaining.Length} left");
        }
        return ReadBytes((int)length);
    }

    public string ReadUtf8String()
    {
        try
        {
            return StrictUtf8.GetString(ReadString());
        }
        catch (DecoderFallbackException e)
        {
            throw new SshProtocolException("string is not UTF-8", e);
        }
    }

    public string ReadAsciiString()
    {
        var bytes = ReadString();
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                throw SshProtocolException.Silent("name contains a non-printable byte");
            }
        }
        return Encoding.ASCII.GetString(bytes);
    }

    /// <summary>name-list (RFC 4251 §5): comma-separated US-ASCII names.</summary>
    public string[] ReadNameList()
    {
        var text = ReadAsciiString();
        return text.Length == 0 ? [] : text.Split(',');
    }

    /// <summary>mpint (RFC 4251 §5): two's complement, big-endian; returned as the raw magnitude bytes.</summary>
    public ReadOnlySpan<byte> ReadMPIntMagnitude()
    {
        var bytes = ReadString();
        if (bytes.Length > 0 && (bytes[0] & 0x80) != 0)
        {
            throw SshProtocolException.Silent("negative mpint");
        }
        while (bytes.Length > 0 && bytes[0] == 0)
        {
            bytes = bytes[1..];
        }
        return bytes;
    }

    public readonly void EnsureAtEnd()
    {
        // sshd ignores trailing bytes in most messages (sshpkt_get_end only where it matters);
        // callers decide. Kept for the places where sshd does check.
        if (!_remaining.IsEmpty)
        {
            throw SshProtocolException.Silent("trailing bytes in message");
        }
    }

    private readonly void Need(int count)
    {
        if ((uint)count > (uint)_remaining.Length)
        {
            throw SshProtocolException.Silent($"message truncated: need {count}, have {_remaining.Length}");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
