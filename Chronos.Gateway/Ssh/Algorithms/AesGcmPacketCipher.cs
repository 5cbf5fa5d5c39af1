using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// aes128-gcm@openssh.com / aes256-gcm@openssh.com (RFC 5647 §7 as OpenSSH implements it): the
/// 4-byte length is additional data in the clear, the 12-byte nonce is a 4-byte fixed field and
/// an 8-byte invocation counter incremented per packet.
/// </summary>
internal sealed class AesGcmPacketCipher : ISshAeadCipher
{
    private readonly AesGcm _gcm;
    private readonly byte[] _nonce = new byte[12];

    public AesGcmPacketCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        _gcm = new AesGcm(key, 16);
        iv[..12].CopyTo(_nonce);
    }

    public int BlockSize => 16;

    public int TagLength => 16;

    public uint ReadLength(uint sequenceNumber, ReadOnlySpan<byte> firstFour) => BinaryPrimitives.ReadUInt32BigEndian(firstFour);

    public void Seal(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> packetAndTag)
    {
        packet[..4].CopyTo(packetAndTag);
        _gcm.Encrypt(_nonce, packet[4..], packetAndTag[4..packet.Length], packetAndTag.Slice(packet.Length, 16), packet[..4]);
        Increment();
    }

    public bool Open(uint sequenceNumber, ReadOnlySpan<byte> packetAndTag, Span<byte> packet)
    {
        var length = packetAndTag.Length - 16;
        try
        {
            _gcm.Decrypt(_nonce, packetAndTag[4..length], packetAndTag[length..], packet[4..length], packetAndTag[..4]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        packetAndTag[..4].CopyTo(packet);
        Increment();
        return true;
    }

    private void Increment()
    {
        var counter = BinaryPrimitives.ReadUInt64BigEndian(_nonce.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), counter + 1);
    }

    public void Dispose() => _gcm.Dispose();
}
