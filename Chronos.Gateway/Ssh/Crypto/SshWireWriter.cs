using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>Writes RFC 4251 §5 data types into a growing buffer; used for blobs and key files, not the hot packet path.</summary>
internal sealed class SshWireWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(256);

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteRaw(value);
    }

    public void WriteString(string value) => WriteString(Encoding.UTF8.GetBytes(value));

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(buffer.GetSpan(value.Length));
        buffer.Advance(value.Length);
    }

    /// <summary>Writes an unsigned big-endian magnitude as an mpint (RFC 4251 §5).</summary>
    public void WriteMpint(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var length = SshMpint.GetEncodedLength(unsignedBigEndian);
        var span = buffer.GetSpan(length);
        SshMpint.Write(unsignedBigEndian, span);
        buffer.Advance(length);
    }

    public int Length => buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => buffer.WrittenSpan;

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();
}
