using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// aes128-ctr, aes192-ctr and aes256-ctr (RFC 4344 §4): the IV is a 128-bit big-endian counter that is
/// encrypted to make keystream and incremented by one per 16-byte block, wrapping modulo 2^128. The
/// stream is continuous over the whole connection: <see cref="Transform"/> keeps the counter and the
/// unused keystream bytes across calls, so the transport may decrypt a packet's first block, then the
/// rest, and the next packet, in any split. Encryption and decryption are the same operation.
/// </summary>
/// <remarks>
/// .NET has no CTR mode, so counter blocks are encrypted in batches with one cached ECB
/// <see cref="ICryptoTransform"/> (the native cipher context and key schedule are set up once; the one-shot
/// <c>Aes.EncryptEcb</c> re-initialises them on every call and measured 20x slower). Only as many blocks as the
/// request needs are made, up to 256 (4 KiB) per native call.
/// Not thread-safe: one instance per direction.
/// </remarks>
public sealed class AesCtrCipher : IDisposable
{
    private const int BlockSize = 16;
    private const int BatchBlocks = 256;

    private readonly Aes aes;
    private readonly ICryptoTransform ecb;
    private readonly byte[] counterBlocks = new byte[BatchBlocks * BlockSize];
    private readonly byte[] keystream = new byte[BatchBlocks * BlockSize];
    private UInt128 counter;
    private int keystreamOffset;
    private int keystreamLength;
    private bool disposed;

    public AesCtrCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("AES key must be 16, 24 or 32 bytes", nameof(key));
        }
        if (iv.Length != BlockSize)
        {
            throw new ArgumentException("CTR IV must be 16 bytes", nameof(iv));
        }
        aes = Aes.Create();
        aes.Key = key.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        ecb = aes.CreateEncryptor();
        counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
    }

    /// <summary>Encrypts or decrypts <paramref name="input"/> into <paramref name="output"/> (same length; may be the same buffer).</summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("output shorter than input", nameof(output));
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        while (!input.IsEmpty)
        {
            if (keystreamOffset == keystreamLength)
            {
                Refill((input.Length + BlockSize - 1) / BlockSize);
            }
            var n = Math.Min(input.Length, keystreamLength - keystreamOffset);
            XorHelper.Xor(input[..n], keystream.AsSpan(keystreamOffset, n), output[..n]);
            keystreamOffset += n;
            input = input[n..];
            output = output[n..];
        }
    }

    private void Refill(int blocksWanted)
    {
        var blocks = Math.Clamp(blocksWanted, 1, BatchBlocks);
        var span = counterBlocks.AsSpan(0, blocks * BlockSize);
        for (var i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(span.Slice(i * BlockSize, BlockSize), counter);
            counter++; // UInt128 wraps modulo 2^128, as RFC 4344 requires.
        }
        ecb.TransformBlock(counterBlocks, 0, span.Length, keystream, 0);
        keystreamOffset = 0;
        keystreamLength = span.Length;
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            ecb.Dispose();
            aes.Dispose();
            CryptographicOperations.ZeroMemory(keystream);
        }
    }
}
