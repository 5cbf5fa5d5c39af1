using System.Buffers.Binary;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>chacha20-poly1305@openssh.com for the packet layer, over the crypto layer's <see cref="OpenSshChaCha20Poly1305"/>.</summary>
internal sealed class ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key) : ISshAeadCipher
{
    private readonly OpenSshChaCha20Poly1305 _cipher = new(key);

    public int BlockSize => 8;

    public int TagLength => OpenSshChaCha20Poly1305.TagSize;

    public uint ReadLength(uint sequenceNumber, ReadOnlySpan<byte> firstFour)
    {
        Span<byte> clear = stackalloc byte[4];
        _cipher.DecryptLength(sequenceNumber, firstFour, clear);
        return BinaryPrimitives.ReadUInt32BigEndian(clear);
    }

    public void Seal(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> packetAndTag) => _cipher.Seal(sequenceNumber, packet, packetAndTag);

    public bool Open(uint sequenceNumber, ReadOnlySpan<byte> packetAndTag, Span<byte> packet) => _cipher.Open(sequenceNumber, packetAndTag, packet);

    public void Dispose() => _cipher.Dispose();
}
