using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Chronos.Gateway.Ssh.Wire;

/// <summary>
/// Writes the RFC 4251 §5 data types into a growable buffer. One writer per message; the
/// transport copies the payload once, into the packet it encrypts.
/// </summary>
internal sealed class SshWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public SshWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public int Length => _buffer.WrittenCount;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public SshWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public SshWriter WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public SshWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public SshWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public SshWriter WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public SshWriter WriteString(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        return WriteRaw(bytes);
    }

    public SshWriter WriteString(string text)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        WriteUInt32((uint)count);
        Encoding.UTF8.GetBytes(text, _buffer.GetSpan(count));
        _buffer.Advance(count);
        return this;
    }

    public SshWriter WriteNameList(IReadOnlyList<string> names) => WriteString(string.Join(',', names));

    /// <summary>mpint from an unsigned big-endian magnitude (leading zeros stripped, a zero byte added when the top bit is set).</summary>
    public SshWriter WriteMPInt(ReadOnlySpan<byte> unsignedBigEndian)
    {
        while (unsignedBigEndian.Length > 0 && unsignedBigEndian[0] == 0)
        {
            unsignedBigEndian = unsignedBigEndian[1..];
        }
        if (unsignedBigEndian.Length > 0 && (unsignedBigEndian[0] & 0x80) != 0)
        {
            WriteUInt32((uint)unsignedBigEndian.Length + 1);
            WriteByte(0);
            return WriteRaw(unsignedBigEndian);
        }
        return WriteString(unsignedBigEndian);
    }
}
