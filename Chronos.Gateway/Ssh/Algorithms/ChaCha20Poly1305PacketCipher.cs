using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): 64 key bytes, K_2 (first
/// 32) encrypts the payload with block counter 1 and makes the Poly1305 key from block 0, K_1
/// (last 32) encrypts the length; the nonce is the 64-bit sequence number. Not the IETF AEAD.
/// </summary>
internal sealed class ChaCha20Poly1305PacketCipher : ISshAeadCipher
{
    private readonly byte[] _mainKey;
    private readonly byte[] _headerKey;

    public ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key)
    {
        _mainKey = key[..32].ToArray();
        _headerKey = key.Slice(32, 32).ToArray();
    }

    public int BlockSize => 8;

    public int TagLength => 16;

    public uint ReadLength(uint sequenceNumber, ReadOnlySpan<byte> firstFour)
    {
        Span<byte> clear = stackalloc byte[4];
        Stream(_headerKey, sequenceNumber, 0, firstFour, clear);
        return BinaryPrimitives.ReadUInt32BigEndian(clear);
    }

    public void Seal(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> packetAndTag)
    {
        Stream(_headerKey, sequenceNumber, 0, packet[..4], packetAndTag[..4]);
        Stream(_mainKey, sequenceNumber, 1, packet[4..], packetAndTag[4..packet.Length]);
        Tag(sequenceNumber, packetAndTag[..packet.Length], packetAndTag.Slice(packet.Length, 16));
    }

    public bool Open(uint sequenceNumber, ReadOnlySpan<byte> packetAndTag, Span<byte> packet)
    {
        var length = packetAndTag.Length - 16;
        Span<byte> tag = stackalloc byte[16];
        Tag(sequenceNumber, packetAndTag[..length], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packetAndTag[length..]))
        {
            return false;
        }
        Stream(_headerKey, sequenceNumber, 0, packetAndTag[..4], packet[..4]);
        Stream(_mainKey, sequenceNumber, 1, packetAndTag[4..length], packet[4..length]);
        return true;
    }

    private void Tag(uint sequenceNumber, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> polyKey = stackalloc byte[32];
        Stream(_mainKey, sequenceNumber, 0, stackalloc byte[32], polyKey);
        var poly = new Poly1305();
        poly.Init(new KeyParameter(polyKey));
        poly.BlockUpdate(ciphertext);
        poly.DoFinal(tag);
    }

    private static void Stream(byte[] key, uint sequenceNumber, int startBlock, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequenceNumber);
        var engine = new ChaChaEngine(20);
        engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        if (startBlock == 1)
        {
            Span<byte> skip = stackalloc byte[64];
            engine.ProcessBytes(skip, skip);
        }
        engine.ProcessBytes(input, output);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_mainKey);
        CryptographicOperations.ZeroMemory(_headerKey);
    }
}
