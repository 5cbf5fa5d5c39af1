using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// One-shot Poly1305 (RFC 8439 §2.5) with 64-bit limbs: the accumulator h = h0 + h1·2^64 + h2·2^128 is
/// multiplied by the clamped r with 64x64→128 multiplications and reduced modulo 2^130 - 5 by folding the bits
/// above 2^130 back in times 5 (2^130 ≡ 5). About twice as fast as BouncyCastle's 26-bit-limb version and
/// allocation-free, which matters because chacha20-poly1305@openssh.com computes one per packet.
/// </summary>
internal static class Poly1305
{
    public const int KeySize = 32;
    public const int TagSize = 16;

    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        // r is clamped (RFC 8439 §2.5.1): the top 4 bits of every 32-bit word and the low 2 bits of words 1–3 cleared.
        var r0 = BinaryPrimitives.ReadUInt64LittleEndian(key) & 0x0FFF_FFFC_0FFF_FFFF;
        var r1 = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]) & 0x0FFF_FFFC_0FFF_FFFC;
        ulong h0 = 0, h1 = 0, h2 = 0;
        Span<byte> last = stackalloc byte[TagSize];

        while (!message.IsEmpty)
        {
            ulong m0, m1, hibit;
            if (message.Length >= TagSize)
            {
                m0 = BinaryPrimitives.ReadUInt64LittleEndian(message);
                m1 = BinaryPrimitives.ReadUInt64LittleEndian(message[8..]);
                hibit = 1; // the appended 0x01 byte at position 16, i.e. 2^128
                message = message[TagSize..];
            }
            else
            {
                last.Clear();
                message.CopyTo(last);
                last[message.Length] = 1;
                m0 = BinaryPrimitives.ReadUInt64LittleEndian(last);
                m1 = BinaryPrimitives.ReadUInt64LittleEndian(last[8..]);
                hibit = 0;
                message = default;
            }
            h0 = AddWithCarry(h0, m0, 0, out var c);
            h1 = AddWithCarry(h1, m1, c, out c);
            h2 += c + hibit;

            // h * r: h2 is at most 7 and r0, r1 < 2^60, so h2·r fits in 64 bits.
            var h0r0Hi = Math.BigMul(h0, r0, out var h0r0Lo);
            var h1r0Hi = Math.BigMul(h1, r0, out var h1r0Lo);
            var h0r1Hi = Math.BigMul(h0, r1, out var h0r1Lo);
            var h1r1Hi = Math.BigMul(h1, r1, out var h1r1Lo);
            var h2r0 = h2 * r0;
            var h2r1 = h2 * r1;

            var m1Lo = AddWithCarry(h1r0Lo, h0r1Lo, 0, out c);
            var m1Hi = h1r0Hi + h0r1Hi + c;
            var m2Lo = AddWithCarry(h2r0, h1r1Lo, 0, out c);
            var m2Hi = h1r1Hi + c;
            var m3 = h2r1;

            var t0 = h0r0Lo;
            var t1 = AddWithCarry(m1Lo, h0r0Hi, 0, out c);
            var t2 = AddWithCarry(m2Lo, m1Hi, c, out c);
            var t3 = m3 + m2Hi + c;

            // Fold everything at and above 2^130 back: value = low + high·2^130 ≡ low + 5·high = low + 4·high + high.
            h0 = t0;
            h1 = t1;
            h2 = t2 & 3;
            var cLo = t2 & ~3UL; // 4·high, low word
            var cHi = t3;        // 4·high, high word
            h0 = AddWithCarry(h0, cLo, 0, out c);
            h1 = AddWithCarry(h1, cHi, c, out c);
            h2 += c;
            cLo = (cLo >> 2) | (cHi << 62);
            cHi >>= 2;
            h0 = AddWithCarry(h0, cLo, 0, out c);
            h1 = AddWithCarry(h1, cHi, c, out c);
            h2 += c;
        }

        // Final reduction: h < 2p here, so subtract p once if h >= p (constant time), then add s mod 2^128.
        var g0 = SubtractWithBorrow(h0, 0xFFFF_FFFF_FFFF_FFFB, 0, out var borrow);
        var g1 = SubtractWithBorrow(h1, 0xFFFF_FFFF_FFFF_FFFF, borrow, out borrow);
        SubtractWithBorrow(h2, 3, borrow, out borrow);
        var keepH = 0UL - borrow; // all ones when h < p
        h0 = (h0 & keepH) | (g0 & ~keepH);
        h1 = (h1 & keepH) | (g1 & ~keepH);

        var s0 = BinaryPrimitives.ReadUInt64LittleEndian(key[16..]);
        var s1 = BinaryPrimitives.ReadUInt64LittleEndian(key[24..]);
        h0 = AddWithCarry(h0, s0, 0, out var carry);
        h1 += s1 + carry;
        BinaryPrimitives.WriteUInt64LittleEndian(tag, h0);
        BinaryPrimitives.WriteUInt64LittleEndian(tag[8..], h1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong a, ulong b, ulong carryIn, out ulong carryOut)
    {
        var sum = a + b + carryIn;
        carryOut = ((a & b) | ((a | b) & ~sum)) >> 63;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractWithBorrow(ulong a, ulong b, ulong borrowIn, out ulong borrowOut)
    {
        var difference = a - b - borrowIn;
        borrowOut = ((~a & b) | (~(a ^ b) & difference)) >> 63;
        return difference;
    }
}
