using System.Buffers.Binary;
using System.Text;

namespace Chronos.Persona.Keys;

/// <summary>The SSH wire encodings of RFC 4251 section 5 (uint32, string, mpint) for key files.</summary>
internal sealed class SshWireWriter
{
    private readonly MemoryStream _buffer = new();

    public void UInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        _buffer.Write(b);
    }

    public void String(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        _buffer.Write(value);
    }

    public void String(string value) => String(Encoding.UTF8.GetBytes(value));

    /// <summary>An unsigned big-endian magnitude as mpint: no leading zero bytes, one added when the top bit is set.</summary>
    public void MPInt(ReadOnlySpan<byte> magnitude)
    {
        var start = 0;
        while (start < magnitude.Length && magnitude[start] == 0)
        {
            start++;
        }
        var trimmed = magnitude[start..];
        var pad = trimmed.Length > 0 && (trimmed[0] & 0x80) != 0;
        UInt32((uint)(trimmed.Length + (pad ? 1 : 0)));
        if (pad)
        {
            _buffer.WriteByte(0);
        }
        _buffer.Write(trimmed);
    }

    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public int Length => (int)_buffer.Length;

    public byte[] ToArray() => _buffer.ToArray();
}
