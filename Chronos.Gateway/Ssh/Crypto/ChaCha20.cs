using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// The original ChaCha20 (D. J. Bernstein, 2008) with a 64-bit block counter in state words 12–13 and a
/// 64-bit nonce in words 14–15, which is what OpenSSH's chacha20-poly1305@openssh.com uses (not the RFC 8439
/// 32-bit counter / 96-bit nonce variant; the block function is the same, only the last four words differ).
/// Eight (AVX2) or four blocks are computed at once, one state word per vector lane across the blocks.
/// </summary>
internal static class ChaCha20
{
    public const int BlockSize = 64;
    private const uint C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574; // "expand 32-byte k"

    /// <summary>Reads a 32-byte key into eight little-endian words.</summary>
    public static void ExpandKey(ReadOnlySpan<byte> key32, Span<uint> words8)
    {
        for (var i = 0; i < 8; i++)
        {
            words8[i] = BinaryPrimitives.ReadUInt32LittleEndian(key32[(i * 4)..]);
        }
    }

    /// <summary>output = input XOR keystream(key, nonce, starting at block <paramref name="counter"/>).</summary>
    /// <param name="nonce">The 8 nonce bytes as they appear in the IV (OpenSSH: the sequence number, big-endian).</param>
    public static void Xor(ReadOnlySpan<uint> key, ReadOnlySpan<byte> nonce, ulong counter, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var n0 = BinaryPrimitives.ReadUInt32LittleEndian(nonce);
        var n1 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]);
        Span<byte> keystream = stackalloc byte[8 * BlockSize];
        while (!input.IsEmpty)
        {
            int produced;
            if (input.Length > 4 * BlockSize && Vector256.IsHardwareAccelerated)
            {
                EightBlocks(key, n0, n1, counter, keystream);
                produced = 8 * BlockSize;
                counter += 8;
            }
            else if (input.Length > BlockSize && Vector128.IsHardwareAccelerated)
            {
                FourBlocks(key, n0, n1, counter, keystream);
                produced = 4 * BlockSize;
                counter += 4;
            }
            else
            {
                OneBlock(key, n0, n1, counter, keystream);
                produced = BlockSize;
                counter++;
            }
            var n = Math.Min(produced, input.Length);
            XorHelper.Xor(input[..n], keystream[..n], output[..n]);
            input = input[n..];
            output = output[n..];
        }
        keystream.Clear();
    }

    /// <summary>One 64-byte keystream block.</summary>
    public static void OneBlock(ReadOnlySpan<uint> key, uint n0, uint n1, ulong counter, Span<byte> block)
    {
        uint x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        uint x4 = key[0], x5 = key[1], x6 = key[2], x7 = key[3];
        uint x8 = key[4], x9 = key[5], x10 = key[6], x11 = key[7];
        uint x12 = (uint)counter, x13 = (uint)(counter >> 32), x14 = n0, x15 = n1;
        for (var round = 0; round < 10; round++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }
        Write(block, 0, x0 + C0);
        Write(block, 1, x1 + C1);
        Write(block, 2, x2 + C2);
        Write(block, 3, x3 + C3);
        Write(block, 4, x4 + key[0]);
        Write(block, 5, x5 + key[1]);
        Write(block, 6, x6 + key[2]);
        Write(block, 7, x7 + key[3]);
        Write(block, 8, x8 + key[4]);
        Write(block, 9, x9 + key[5]);
        Write(block, 10, x10 + key[6]);
        Write(block, 11, x11 + key[7]);
        Write(block, 12, x12 + (uint)counter);
        Write(block, 13, x13 + (uint)(counter >> 32));
        Write(block, 14, x14 + n0);
        Write(block, 15, x15 + n1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(Span<byte> block, int word, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(block[(word * 4)..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b; d = BitOperations.RotateLeft(d ^ a, 16);
        c += d; b = BitOperations.RotateLeft(b ^ c, 12);
        a += b; d = BitOperations.RotateLeft(d ^ a, 8);
        c += d; b = BitOperations.RotateLeft(b ^ c, 7);
    }

    /// <summary>Four consecutive blocks (counter .. counter+3), 256 bytes.</summary>
    private static void FourBlocks(ReadOnlySpan<uint> key, uint n0, uint n1, ulong counter, Span<byte> output)
    {
        var c0 = counter;
        var counterLow = Vector128.Create((uint)c0, (uint)(c0 + 1), (uint)(c0 + 2), (uint)(c0 + 3));
        var counterHigh = Vector128.Create((uint)(c0 >> 32), (uint)((c0 + 1) >> 32), (uint)((c0 + 2) >> 32), (uint)((c0 + 3) >> 32));
        Vector128<uint> x0 = Vector128.Create(C0), x1 = Vector128.Create(C1), x2 = Vector128.Create(C2), x3 = Vector128.Create(C3);
        Vector128<uint> x4 = Vector128.Create(key[0]), x5 = Vector128.Create(key[1]), x6 = Vector128.Create(key[2]), x7 = Vector128.Create(key[3]);
        Vector128<uint> x8 = Vector128.Create(key[4]), x9 = Vector128.Create(key[5]), x10 = Vector128.Create(key[6]), x11 = Vector128.Create(key[7]);
        Vector128<uint> x12 = counterLow, x13 = counterHigh, x14 = Vector128.Create(n0), x15 = Vector128.Create(n1);
        for (var round = 0; round < 10; round++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }
        Span<Vector128<uint>> words =
        [
            x0 + Vector128.Create(C0), x1 + Vector128.Create(C1), x2 + Vector128.Create(C2), x3 + Vector128.Create(C3),
            x4 + Vector128.Create(key[0]), x5 + Vector128.Create(key[1]), x6 + Vector128.Create(key[2]), x7 + Vector128.Create(key[3]),
            x8 + Vector128.Create(key[4]), x9 + Vector128.Create(key[5]), x10 + Vector128.Create(key[6]), x11 + Vector128.Create(key[7]),
            x12 + counterLow, x13 + counterHigh, x14 + Vector128.Create(n0), x15 + Vector128.Create(n1),
        ];
        StoreTransposed(words, output);
    }

    /// <summary>Eight consecutive blocks (counter .. counter+7), 512 bytes, with 256-bit vectors.</summary>
    private static void EightBlocks(ReadOnlySpan<uint> key, uint n0, uint n1, ulong counter, Span<byte> output)
    {
        Span<uint> low = stackalloc uint[8];
        Span<uint> high = stackalloc uint[8];
        for (var i = 0; i < 8; i++)
        {
            low[i] = (uint)(counter + (ulong)i);
            high[i] = (uint)((counter + (ulong)i) >> 32);
        }
        var counterLow = Vector256.Create<uint>(low);
        var counterHigh = Vector256.Create<uint>(high);
        Vector256<uint> x0 = Vector256.Create(C0), x1 = Vector256.Create(C1), x2 = Vector256.Create(C2), x3 = Vector256.Create(C3);
        Vector256<uint> x4 = Vector256.Create(key[0]), x5 = Vector256.Create(key[1]), x6 = Vector256.Create(key[2]), x7 = Vector256.Create(key[3]);
        Vector256<uint> x8 = Vector256.Create(key[4]), x9 = Vector256.Create(key[5]), x10 = Vector256.Create(key[6]), x11 = Vector256.Create(key[7]);
        Vector256<uint> x12 = counterLow, x13 = counterHigh, x14 = Vector256.Create(n0), x15 = Vector256.Create(n1);
        for (var round = 0; round < 10; round++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }
        Span<Vector256<uint>> words =
        [
            x0 + Vector256.Create(C0), x1 + Vector256.Create(C1), x2 + Vector256.Create(C2), x3 + Vector256.Create(C3),
            x4 + Vector256.Create(key[0]), x5 + Vector256.Create(key[1]), x6 + Vector256.Create(key[2]), x7 + Vector256.Create(key[3]),
            x8 + Vector256.Create(key[4]), x9 + Vector256.Create(key[5]), x10 + Vector256.Create(key[6]), x11 + Vector256.Create(key[7]),
            x12 + counterLow, x13 + counterHigh, x14 + Vector256.Create(n0), x15 + Vector256.Create(n1),
        ];
        Span<Vector128<uint>> half = stackalloc Vector128<uint>[16];
        for (var w = 0; w < 16; w++)
        {
            half[w] = words[w].GetLower();
        }
        StoreTransposed(half, output);
        for (var w = 0; w < 16; w++)
        {
            half[w] = words[w].GetUpper();
        }
        StoreTransposed(half, output[(4 * BlockSize)..]);
    }

    /// <summary>Word-sliced → block-major for four blocks: 4x4 transposes so each block's 64 bytes are contiguous.</summary>
    private static void StoreTransposed(ReadOnlySpan<Vector128<uint>> words, Span<byte> output)
    {
        for (var group = 0; group < 4; group++)
        {
            var a = words[group * 4];
            var b = words[group * 4 + 1];
            var c = words[group * 4 + 2];
            var d = words[group * 4 + 3];
            var ab0 = UnpackLow(a, b);   // a0 b0 a1 b1
            var ab1 = UnpackHigh(a, b);  // a2 b2 a3 b3
            var cd0 = UnpackLow(c, d);
            var cd1 = UnpackHigh(c, d);
            var block0 = Vector128.Create(ab0.AsUInt64()[0], cd0.AsUInt64()[0]).AsUInt32();
            var block1 = Vector128.Create(ab0.AsUInt64()[1], cd0.AsUInt64()[1]).AsUInt32();
            var block2 = Vector128.Create(ab1.AsUInt64()[0], cd1.AsUInt64()[0]).AsUInt32();
            var block3 = Vector128.Create(ab1.AsUInt64()[1], cd1.AsUInt64()[1]).AsUInt32();
            block0.AsByte().CopyTo(output[(group * 16)..]);
            block1.AsByte().CopyTo(output[(BlockSize + group * 16)..]);
            block2.AsByte().CopyTo(output[(2 * BlockSize + group * 16)..]);
            block3.AsByte().CopyTo(output[(3 * BlockSize + group * 16)..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> UnpackLow(Vector128<uint> a, Vector128<uint> b) =>
        System.Runtime.Intrinsics.X86.Sse2.IsSupported
            ? System.Runtime.Intrinsics.X86.Sse2.UnpackLow(a, b)
            : Vector128.Create(a[0], b[0], a[1], b[1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> UnpackHigh(Vector128<uint> a, Vector128<uint> b) =>
        System.Runtime.Intrinsics.X86.Sse2.IsSupported
            ? System.Runtime.Intrinsics.X86.Sse2.UnpackHigh(a, b)
            : Vector128.Create(a[2], b[2], a[3], b[3]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d)
    {
        a += b; d = Rotate(d ^ a, 16);
        c += d; b = Rotate(b ^ c, 12);
        a += b; d = Rotate(d ^ a, 8);
        c += d; b = Rotate(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate(Vector128<uint> v, [System.Diagnostics.CodeAnalysis.ConstantExpected] int bits) =>
        Vector128.ShiftLeft(v, bits) | Vector128.ShiftRightLogical(v, 32 - bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d)
    {
        a += b; d = Rotate(d ^ a, 16);
        c += d; b = Rotate(b ^ c, 12);
        a += b; d = Rotate(d ^ a, 8);
        c += d; b = Rotate(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> v, [System.Diagnostics.CodeAnalysis.ConstantExpected] int bits) =>
        Vector256.ShiftLeft(v, bits) | Vector256.ShiftRightLogical(v, 32 - bits);
}
