using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// UMAC (RFC 4418) with 32-, 64-, 96- or 128-bit tags; OpenSSH uses UMAC-64 (umac-64@openssh.com, umac-64-etm)
/// and UMAC-128 (umac-128@openssh.com, umac-128-etm) with a 16-byte key and an 8-byte nonce.
/// </summary>
/// <remarks>
/// Layers, per 32-bit output word i (the "iterations"; UMAC-64 has 2, UMAC-128 has 4):
/// <list type="number">
/// <item>L1: NH over each 1024-byte chunk, message words read little-endian, key words big-endian, key shifted
///   by 16 bytes per iteration (the Toeplitz construction), plus the chunk's bit length; the last chunk is
///   zero-padded to a multiple of 32 bytes (an empty message hashes 32 zero bytes).</item>
/// <item>L2: for a message of at most 1024 bytes the L1 output itself; otherwise POLY over the L1 outputs modulo
///   2^64 - 59, switching to POLY modulo 2^128 - 159 after 2^14 chunks (16 MiB, never reached by SSH packets).</item>
/// <item>L3: an inner product of the 16-byte L2 output's 2-byte words with keys modulo 2^36 - 5, truncated to 32
///   bits and XORed with a key word.</item>
/// <item>PDF: AES(K', nonce with its low bits cleared, zero-padded to 16 bytes); UMAC-64 takes the half the
///   nonce's lowest bit selects (so two consecutive sequence numbers share one AES call, which is cached).</item>
/// </list>
/// All keys come from the AES-based KDF: AES_K(uint64 index || uint64 counter), counters from 1.
/// Not thread-safe: one instance per direction.
/// </remarks>
public sealed class Umac : IDisposable
{
    private const int ChunkBytes = 1024;
    private const ulong P64 = 0xFFFF_FFFF_FFFF_FFC5; // 2^64 - 59
    private const ulong P36 = 0x0000_000F_FFFF_FFFB; // 2^36 - 5
    private const ulong L2KeyMask = 0x01FF_FFFF_01FF_FFFF;
    private const int Poly64Limit = 1 << 14; // L1 outputs hashed by POLY64 before switching to POLY128 (2^17 bytes of L1 output)

    private readonly int iterations;
    private readonly uint[] nhKey;           // 256 + 4 * (iterations - 1) big-endian words
    private readonly ulong[] l2Key64;        // per iteration
    private readonly UInt128[] l2Key128;     // per iteration
    private readonly ulong[] l3Key1;         // 8 per iteration, already reduced mod p36
    private readonly uint[] l3Key2;          // per iteration
    private readonly Aes pdfAes;
    private readonly ICryptoTransform pdfEcb;
    private readonly byte[] pdfNonce = new byte[16];
    private readonly byte[] pdfCache = new byte[16];
    private readonly byte[] lastChunk = new byte[ChunkBytes];
    private bool pdfCacheValid;
    private bool disposed;

    /// <param name="key">The 16-byte UMAC key (AES-128).</param>
    /// <param name="tagLength">4, 8, 12 or 16; OpenSSH uses 8 (umac-64) and 16 (umac-128).</param>
    public Umac(ReadOnlySpan<byte> key, int tagLength)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("UMAC key must be 16 bytes", nameof(key));
        }
        if (tagLength is not (4 or 8 or 12 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(tagLength), "UMAC tag length must be 4, 8, 12 or 16");
        }
        TagLength = tagLength;
        iterations = tagLength / 4;

        using var kdfAes = Aes.Create();
        kdfAes.Key = key.ToArray();

        var l1 = Kdf(kdfAes, 1, ChunkBytes + (iterations - 1) * 16);
        nhKey = new uint[l1.Length / 4];
        for (var i = 0; i < nhKey.Length; i++)
        {
            nhKey[i] = BinaryPrimitives.ReadUInt32BigEndian(l1.AsSpan(i * 4));
        }

        var l2 = Kdf(kdfAes, 2, iterations * 24);
        l2Key64 = new ulong[iterations];
        l2Key128 = new UInt128[iterations];
        var mask128 = new UInt128(L2KeyMask, L2KeyMask);
        for (var i = 0; i < iterations; i++)
        {
            l2Key64[i] = BinaryPrimitives.ReadUInt64BigEndian(l2.AsSpan(i * 24)) & L2KeyMask;
            l2Key128[i] = BinaryPrimitives.ReadUInt128BigEndian(l2.AsSpan(i * 24 + 8)) & mask128;
        }

        var l3a = Kdf(kdfAes, 3, iterations * 64);
        l3Key1 = new ulong[iterations * 8];
        for (var i = 0; i < l3Key1.Length; i++)
        {
            l3Key1[i] = BinaryPrimitives.ReadUInt64BigEndian(l3a.AsSpan(i * 8)) % P36;
        }
        var l3b = Kdf(kdfAes, 4, iterations * 4);
        l3Key2 = new uint[iterations];
        for (var i = 0; i < iterations; i++)
        {
            l3Key2[i] = BinaryPrimitives.ReadUInt32BigEndian(l3b.AsSpan(i * 4));
        }

        pdfAes = Aes.Create();
        pdfAes.Key = Kdf(kdfAes, 0, 16);
        pdfAes.Mode = CipherMode.ECB;
        pdfAes.Padding = PaddingMode.None;
        pdfEcb = pdfAes.CreateEncryptor(); // reused: Aes.EncryptEcb re-initialises the native context per call
        CryptographicOperations.ZeroMemory(l1);
        CryptographicOperations.ZeroMemory(l2);
        CryptographicOperations.ZeroMemory(l3a);
        CryptographicOperations.ZeroMemory(l3b);
    }

    public int TagLength { get; }

    /// <summary>Tag = UHASH(message) XOR PDF(nonce) (RFC 4418 §4.1). <paramref name="nonce"/> is 1 to 16 bytes.</summary>
    public void Compute(ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, Span<byte> tag)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (nonce.Length is < 1 or > 16)
        {
            throw new ArgumentException("UMAC nonce must be 1 to 16 bytes", nameof(nonce));
        }
        if (tag.Length < TagLength)
        {
            throw new ArgumentException("tag buffer too small", nameof(tag));
        }
        Pdf(nonce, tag[..TagLength]);
        Span<uint> hash = stackalloc uint[4];
        UHash(message, hash[..iterations]);
        for (var i = 0; i < iterations; i++)
        {
            var word = tag.Slice(i * 4, 4);
            BinaryPrimitives.WriteUInt32BigEndian(word, BinaryPrimitives.ReadUInt32BigEndian(word) ^ hash[i]);
        }
    }

    /// <summary>
    /// What OpenSSH's mac_compute does for umac-64/umac-128 (mac.c, case SSH_UMAC): the nonce is the packet
    /// sequence number as a 64-bit big-endian integer (POKE_U64), and the MAC input is the data alone — unlike
    /// the HMACs, the sequence number is NOT prepended to the data. The data is the whole unencrypted packet
    /// (uint32 length || padding length || payload || padding) for umac-*@openssh.com, and the clear length
    /// followed by the ciphertext for umac-*-etm@openssh.com.
    /// </summary>
    public void ComputeOpenSsh(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequenceNumber);
        Compute(packet, nonce, tag);
    }

    private void Pdf(ReadOnlySpan<byte> nonce, Span<byte> pad)
    {
        var lowBits = TagLength switch { 4 => 3, 8 => 1, _ => 0 };
        var index = nonce[^1] & lowBits;
        Span<byte> block = stackalloc byte[16];
        block.Clear();
        nonce.CopyTo(block);
        block[nonce.Length - 1] &= (byte)~lowBits;
        if (!pdfCacheValid || !block.SequenceEqual(pdfNonce))
        {
            block.CopyTo(pdfNonce);
            pdfEcb.TransformBlock(pdfNonce, 0, 16, pdfCache, 0);
            pdfCacheValid = true;
        }
        pdfCache.AsSpan(index * TagLength, TagLength).CopyTo(pad);
    }

    private void UHash(ReadOnlySpan<byte> message, Span<uint> result)
    {
        Span<ulong> polyState = stackalloc ulong[4];
        polyState.Fill(1);
        Span<ulong> l1 = stackalloc ulong[4];
        var chunks = Math.Max(1, (message.Length + ChunkBytes - 1) / ChunkBytes);
        UInt128[]? poly128State = null;

        for (var c = 0; c < chunks; c++)
        {
            var start = c * ChunkBytes;
            var length = Math.Min(ChunkBytes, message.Length - start);
            ReadOnlySpan<byte> chunk;
            if (length % 32 == 0 && length > 0)
            {
                chunk = message.Slice(start, length);
            }
            else
            {
                // Last chunk: zero-pad to a multiple of 32 bytes (an empty message becomes 32 zero bytes).
                var padded = Math.Max(32, (length + 31) & ~31);
                message.Slice(start, length).CopyTo(lastChunk);
                lastChunk.AsSpan(length, padded - length).Clear();
                chunk = lastChunk.AsSpan(0, padded);
            }
            var bitLength = (ulong)length * 8;
            for (var i = 0; i < iterations; i++)
            {
                l1[i] = Nh(chunk, nhKey.AsSpan(i * 4)) + bitLength;
            }
            if (chunks == 1)
            {
                break;
            }
            if (c < Poly64Limit)
            {
                for (var i = 0; i < iterations; i++)
                {
                    polyState[i] = Poly64Step(l2Key64[i], polyState[i], l1[i]);
                }
            }
            else
            {
                poly128State ??= StartPoly128(polyState);
                Poly128Feed(poly128State, (c - Poly64Limit) % 2 == 0, l1);
            }
        }

        Span<byte> l2 = stackalloc byte[16];
        for (var i = 0; i < iterations; i++)
        {
            if (chunks == 1)
            {
                BinaryPrimitives.WriteUInt64BigEndian(l2, 0);
                BinaryPrimitives.WriteUInt64BigEndian(l2[8..], l1[i]);
            }
            else if (poly128State is null)
            {
                BinaryPrimitives.WriteUInt64BigEndian(l2, 0);
                BinaryPrimitives.WriteUInt64BigEndian(l2[8..], polyState[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt128BigEndian(l2, FinishPoly128(poly128State, i, chunks - Poly64Limit));
            }
            result[i] = L3(l2, i);
        }
    }

    /// <summary>NH (RFC 4418 §5.2.2) over a chunk whose length is a multiple of 32 bytes.</summary>
    private static ulong Nh(ReadOnlySpan<byte> chunk, ReadOnlySpan<uint> key)
    {
        var m = MemoryMarshal.Cast<byte, uint>(chunk);
        ulong y = 0;
        var i = 0;
        if (System.Runtime.Intrinsics.X86.Sse2.IsSupported && BitConverter.IsLittleEndian)
        {
            var acc = Vector128<ulong>.Zero;
            ref var mRef = ref MemoryMarshal.GetReference(m);
            ref var kRef = ref MemoryMarshal.GetReference(key);
            for (; i + 8 <= m.Length; i += 8)
            {
                var a = Vector128.LoadUnsafe(ref mRef, (nuint)i) + Vector128.LoadUnsafe(ref kRef, (nuint)i);
                var b = Vector128.LoadUnsafe(ref mRef, (nuint)(i + 4)) + Vector128.LoadUnsafe(ref kRef, (nuint)(i + 4));
                acc += System.Runtime.Intrinsics.X86.Sse2.Multiply(a, b);
                acc += System.Runtime.Intrinsics.X86.Sse2.Multiply(Vector128.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), Vector128.ShiftRightLogical(b.AsUInt64(), 32).AsUInt32());
            }
            y = acc.GetElement(0) + acc.GetElement(1);
        }
        for (; i + 8 <= m.Length; i += 8)
        {
            for (var j = 0; j < 4; j++)
            {
                var a = LittleEndian(m[i + j]) + key[i + j];
                var b = LittleEndian(m[i + j + 4]) + key[i + j + 4];
                y += (ulong)a * b;
            }
        }
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint LittleEndian(uint word) => BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);

    /// <summary>One POLY64 step (RFC 4418 §5.3.2) with the marker rule for words ≥ 2^64 - 2^32.</summary>
    private static ulong Poly64Step(ulong k, ulong y, ulong m)
    {
        if (m >= 0xFFFF_FFFF_0000_0000)
        {
            y = MulAddMod64(k, y, P64 - 1);
            return MulAddMod64(k, y, m - 59);
        }
        return MulAddMod64(k, y, m);
    }

    /// <summary>(k * y + m) mod 2^64 - 59, for k &lt; 2^57 and y, m &lt; 2^64; the result is fully reduced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAddMod64(ulong k, ulong y, ulong m)
    {
        var hi = Math.BigMul(k, y, out var lo);
        // 2^64 ≡ 59 (mod p64); hi < 2^57 so hi * 59 < 2^63.
        var r = lo + hi * 59;
        if (r < lo)
        {
            r += 59;
        }
        var s = r + m;
        if (s < r)
        {
            s += 59;
        }
        return s >= P64 ? s - P64 : s;
    }

    // POLY128 phase (messages above 16 MiB only): RFC 4418 §5.3 step 3. The POLY64 result is the first 128-bit
    // word; afterwards pairs of 64-bit L1 outputs form one 128-bit word; an odd one is completed with 0x80 00..
    private UInt128[] StartPoly128(ReadOnlySpan<ulong> poly64)
    {
        // Layout per iteration: [0] = y, [1] = pending high half (valid when odd count).
        var state = new UInt128[iterations * 2];
        for (var i = 0; i < iterations; i++)
        {
            state[i * 2] = Poly128Step(l2Key128[i], 1, poly64[i]);
        }
        return state;
    }

    private void Poly128Feed(UInt128[] state, bool isHighHalf, ReadOnlySpan<ulong> l1)
    {
        for (var i = 0; i < iterations; i++)
        {
            if (isHighHalf)
            {
                state[i * 2 + 1] = (UInt128)l1[i] << 64;
            }
            else
            {
                state[i * 2] = Poly128Step(l2Key128[i], state[i * 2], state[i * 2 + 1] | l1[i]);
            }
        }
    }

    private UInt128 FinishPoly128(UInt128[] state, int iteration, int wordsAfterSwitch)
    {
        var y = state[iteration * 2];
        if (wordsAfterSwitch % 2 == 1)
        {
            y = Poly128Step(l2Key128[iteration], y, state[iteration * 2 + 1] | ((UInt128)0x80 << 56));
        }
        else
        {
            y = Poly128Step(l2Key128[iteration], y, (UInt128)0x80 << 120);
        }
        return y;
    }

    private static readonly BigInteger P128 = (BigInteger.One << 128) - 159;

    private static UInt128 Poly128Step(UInt128 k, UInt128 y, UInt128 m)
    {
        var maxWordRange = UInt128.MaxValue - ((UInt128)1 << 96) + 1; // 2^128 - 2^96
        var ky = (BigInteger)k;
        var acc = (BigInteger)y;
        if (m >= maxWordRange)
        {
            acc = (ky * acc + (P128 - 1)) % P128;
            acc = (ky * acc + ((BigInteger)m - 159)) % P128;
        }
        else
        {
            acc = (ky * acc + (BigInteger)m) % P128;
        }
        return (UInt128)acc;
    }

    /// <summary>L3-HASH (RFC 4418 §5.4): inner product mod 2^36 - 5, low 32 bits, XOR the key word.</summary>
    private uint L3(ReadOnlySpan<byte> l2, int iteration)
    {
        ulong y = 0;
        var keys = l3Key1.AsSpan(iteration * 8, 8);
        for (var j = 0; j < 8; j++)
        {
            y += BinaryPrimitives.ReadUInt16BigEndian(l2[(j * 2)..]) * keys[j];
        }
        return (uint)(y % P36) ^ l3Key2[iteration];
    }

    /// <summary>KDF (RFC 4418 §3.2.1): AES_K(uint64 index || uint64 i) for i = 1.., truncated.</summary>
    private static byte[] Kdf(Aes aes, ulong index, int length)
    {
        var blocks = (length + 15) / 16;
        var input = new byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(i * 16), index);
            BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(i * 16 + 8), (ulong)(i + 1));
        }
        var output = aes.EncryptEcb(input, PaddingMode.None);
        return output.AsSpan(0, length).ToArray();
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            pdfEcb.Dispose();
            pdfAes.Dispose();
            Array.Clear(nhKey);
            Array.Clear(l3Key1);
        }
    }
}
