using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as OpenSSH implements it):
/// <list type="bullet">
/// <item>the 4-byte packet length stays in clear but is authenticated as the additional data;</item>
/// <item>the rest of the packet (padding length, payload, padding) is encrypted;</item>
/// <item>the 12-byte nonce is the 4-byte fixed field || 8-byte big-endian invocation counter, both taken from the
///   derived IV; the counter is incremented (mod 2^64) after every packet (RFC 5647 §7.1, OpenSSH's
///   EVP_CTRL_GCM_IV_GEN);</item>
/// <item>the 16-byte tag follows the ciphertext; no separate MAC is negotiated.</item>
/// </list>
/// One instance per direction; not thread-safe.
/// </summary>
public sealed class OpenSshAesGcmCipher : IDisposable
{
    public const int TagSize = 16;
    public const int IvSize = 12;
    public const int LengthSize = 4;

    private readonly AesGcm aes;
    private readonly byte[] nonce = new byte[IvSize];

    public OpenSshAesGcmCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv12)
    {
        if (key.Length is not (16 or 32))
        {
            throw new ArgumentException("AES-GCM key must be 16 or 32 bytes", nameof(key));
        }
        if (iv12.Length != IvSize)
        {
            throw new ArgumentException("AES-GCM IV must be 12 bytes", nameof(iv12));
        }
        aes = new AesGcm(key, TagSize);
        iv12.CopyTo(nonce);
    }

    /// <summary>The nonce the next packet will use (for tests and diagnostics).</summary>
    public ReadOnlySpan<byte> NextNonce => nonce;

    /// <summary>Encrypts one packet (4-byte length included) into <paramref name="output"/> (packet length + 16) and advances the counter.</summary>
    public void Seal(ReadOnlySpan<byte> packet, Span<byte> output)
    {
        if (packet.Length < LengthSize || output.Length < packet.Length + TagSize)
        {
            throw new ArgumentException("output must be packet length + 16 and the packet must hold the length field");
        }
        var length = packet[..LengthSize];
        length.CopyTo(output);
        aes.Encrypt(nonce, packet[LengthSize..], output[LengthSize..packet.Length], output.Slice(packet.Length, TagSize), length);
        IncrementCounter();
    }

    /// <summary>
    /// Authenticates and decrypts one packet (4-byte length, ciphertext, tag) into <paramref name="plaintext"/>
    /// (input length - 16, length field included). Returns false on a bad tag; the counter then does not advance
    /// (the transport must drop the connection anyway).
    /// </summary>
    public bool Open(ReadOnlySpan<byte> packetAndTag, Span<byte> plaintext)
    {
        var length = packetAndTag.Length - TagSize;
        if (length < LengthSize || plaintext.Length < length)
        {
            throw new ArgumentException("input must hold the length field and the tag; output must hold input length - 16");
        }
        try
        {
            aes.Decrypt(nonce, packetAndTag[LengthSize..length], packetAndTag.Slice(length, TagSize),
                plaintext[LengthSize..length], packetAndTag[..LengthSize]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        packetAndTag[..LengthSize].CopyTo(plaintext);
        IncrementCounter();
        return true;
    }

    private void IncrementCounter()
    {
        var counter = nonce.AsSpan(4);
        BinaryPrimitives.WriteUInt64BigEndian(counter, unchecked(BinaryPrimitives.ReadUInt64BigEndian(counter) + 1));
    }

    public void Dispose() => aes.Dispose();
}
