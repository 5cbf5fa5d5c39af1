using System.Numerics;
using System.Runtime.InteropServices;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>destination = a XOR b, vectorised; the keystream ciphers spend most of their time here.</summary>
internal static class XorHelper
{
    public static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        var length = destination.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<byte>.Count)
        {
            var va = MemoryMarshal.Cast<byte, Vector<byte>>(a[..length]);
            var vb = MemoryMarshal.Cast<byte, Vector<byte>>(b[..length]);
            var vd = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
            for (var v = 0; v < vd.Length; v++)
            {
                vd[v] = va[v] ^ vb[v];
            }
            i = vd.Length * Vector<byte>.Count;
        }
        for (; i < length; i++)
        {
            destination[i] = (byte)(a[i] ^ b[i]);
        }
    }
}
