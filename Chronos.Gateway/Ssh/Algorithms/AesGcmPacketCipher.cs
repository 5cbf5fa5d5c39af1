using System.Buffers.Binary;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>aes128/256-gcm@openssh.com for the packet layer, over the crypto layer's <see cref="OpenSshAesGcmCipher"/> (length in the clear).</summary>
internal sealed class AesGcmPacketCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) : ISshAeadCipher
{
    private readonly OpenSshAesGcmCipher _cipher = new(key, iv[..OpenSshAesGcmCipher.IvSize]);

    public int BlockSize => 16;

    public int TagLength => OpenSshAesGcmCipher.TagSize;

    public uint ReadLength(uint sequenceNumber, ReadOnlySpan<byte> firstFour) => BinaryPrimitives.ReadUInt32BigEndian(firstFour);

    public void Seal(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> packetAndTag) => _cipher.Seal(packet, packetAndTag);

    public bool Open(uint sequenceNumber, ReadOnlySpan<byte> packetAndTag, Span<byte> packet) => _cipher.Open(packetAndTag, packet);

    public void Dispose() => _cipher.Dispose();
}
