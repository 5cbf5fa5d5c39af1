using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// chacha20-poly1305@openssh.com exactly as OpenSSH's PROTOCOL.chacha20poly1305 and cipher-chachapoly.c define it:
/// <list type="bullet">
/// <item>the 64-byte key is K_2 (bytes 0–31, main) || K_1 (bytes 32–63, header);</item>
/// <item>the 8-byte ChaCha20 nonce is the 32-bit packet sequence number as a 64-bit big-endian integer;</item>
/// <item>the 4-byte packet length is encrypted with K_1's keystream from block 0;</item>
/// <item>the Poly1305 key is the first 32 bytes of K_2's block 0; the rest of the packet is encrypted with K_2
///   from block counter 1;</item>
/// <item>the 16-byte tag is Poly1305 over the encrypted length and encrypted payload, and is appended.</item>
/// </list>
/// One instance per direction; not thread-safe. No MAC is negotiated alongside this cipher.
/// </summary>
public sealed class OpenSshChaCha20Poly1305 : IDisposable
{
    public const int KeySize = 64;
    public const int TagSize = 16;
    public const int LengthSize = 4;

    private readonly uint[] mainKey = new uint[8];
    private readonly uint[] headerKey = new uint[8];
    private readonly Poly1305 poly = new();
    private readonly byte[] polyKey = new byte[32];
    private bool disposed;

    public OpenSshChaCha20Poly1305(ReadOnlySpan<byte> key64)
    {
        if (key64.Length != KeySize)
        {
            throw new ArgumentException("chacha20-poly1305@openssh.com needs a 64-byte key", nameof(key64));
        }
        ChaCha20.ExpandKey(key64[..32], mainKey);
        ChaCha20.ExpandKey(key64[32..], headerKey);
    }

    /// <summary>Decrypts the 4-byte length field so the transport knows how much more to read (it is still authenticated later by <see cref="Open"/>).</summary>
    public void DecryptLength(uint sequenceNumber, ReadOnlySpan<byte> encryptedLength4, Span<byte> length4)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Span<byte> nonce = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequenceNumber);
        ChaCha20.Xor(headerKey, nonce, 0, encryptedLength4[..LengthSize], length4[..LengthSize]);
    }

    /// <summary>Encrypts length || body and appends the tag. <paramref name="ciphertextAndTag"/> must hold plaintext.Length + 16 bytes.</summary>
    public void Seal(uint sequenceNumber, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (plaintext.Length < LengthSize || ciphertextAndTag.Length < plaintext.Length + TagSize)
        {
            throw new ArgumentException("output must be plaintext length + 16 and the plaintext must hold the length field");
        }
        Span<byte> nonce = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequenceNumber);
        ChaCha20.Xor(headerKey, nonce, 0, plaintext[..LengthSize], ciphertextAndTag[..LengthSize]);
        ChaCha20.Xor(mainKey, nonce, 1, plaintext[LengthSize..], ciphertextAndTag[LengthSize..plaintext.Length]);
        ComputeTag(nonce, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagSize));
    }

    /// <summary>
    /// Checks the tag in constant time, then decrypts length || body into <paramref name="plaintext"/> (ciphertextAndTag.Length - 16 bytes).
    /// Returns false, leaving <paramref name="plaintext"/> untouched, when the tag is wrong.
    /// </summary>
    public bool Open(uint sequenceNumber, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var length = ciphertextAndTag.Length - TagSize;
        if (length < LengthSize || plaintext.Length < length)
        {
            throw new ArgumentException("input must hold the length field and the tag; output must hold input length - 16");
        }
        Span<byte> nonce = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequenceNumber);
        Span<byte> expected = stackalloc byte[TagSize];
        ComputeTag(nonce, ciphertextAndTag[..length], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, ciphertextAndTag.Slice(length, TagSize)))
        {
            return false;
        }
        ChaCha20.Xor(headerKey, nonce, 0, ciphertextAndTag[..LengthSize], plaintext[..LengthSize]);
        ChaCha20.Xor(mainKey, nonce, 1, ciphertextAndTag[LengthSize..length], plaintext[LengthSize..length]);
        return true;
    }

    private void ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> zeros = stackalloc byte[32];
        zeros.Clear();
        ChaCha20.Xor(mainKey, nonce, 0, zeros, polyKey);
        poly.Init(new KeyParameter(polyKey));
        poly.BlockUpdate(ciphertext);
        poly.DoFinal(tag);
        CryptographicOperations.ZeroMemory(polyKey);
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Array.Clear(mainKey);
            Array.Clear(headerKey);
        }
    }
}
