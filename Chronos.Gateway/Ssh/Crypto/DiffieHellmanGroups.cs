using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>A finite-field Diffie-Hellman group: safe prime p and generator g.</summary>
public sealed record DhGroup(BigInteger Prime, BigInteger Generator)
{
    public int PrimeBits => (int)Prime.GetBitLength();
}

/// <summary>
/// Server side of diffie-hellman-group14-sha256, -group16-sha512, -group18-sha512 (RFC 4253 §8, RFC 8268)
/// and of group exchange (RFC 4419) once <see cref="ModuliFile"/> has chosen the group.
/// The transport encodes f and K as mpints (<see cref="SshMpint.Encode(BigInteger)"/>).
/// </summary>
public static class DiffieHellmanGroups
{
    public static DhGroup Group14 { get; } = FromHex(Rfc3526Primes.Group14Hex);

    public static DhGroup Group16 { get; } = FromHex(Rfc3526Primes.Group16Hex);

    public static DhGroup Group18 { get; } = FromHex(Rfc3526Primes.Group18Hex);

    /// <summary>The group OpenSSH falls back to when /etc/ssh/moduli has none that fits (dh.c dh_new_group_fallback).</summary>
    public static DhGroup Fallback(int maxBits) => maxBits switch
    {
        < 3072 => Group14,
        < 6144 => Group16,
        _ => Group18,
    };

    /// <summary>
    /// Picks y, computes f = g^y mod p and K = e^y mod p.
    /// <paramref name="privateExponentBits"/> follows OpenSSH's dh_gen_key: twice the bits the negotiated
    /// cipher and MAC need, at least 512, at most |p| - 1; the default fits every cipher OpenSSH offers
    /// (chacha20-poly1305 needs 64 bytes of key, so 1024 bits).
    /// </summary>
    /// <exception cref="SshKexException">e is not in 2..p-2 (RFC 4253 §8; OpenSSH dh_pub_is_valid).</exception>
    public static (BigInteger F, BigInteger SharedSecret) Respond(BigInteger p, BigInteger g, BigInteger e, int privateExponentBits = 1024)
    {
        if (!IsValidPublicValue(p, e))
        {
            throw new SshKexException("DH public value e is out of range");
        }
        var bits = Math.Min(Math.Max(privateExponentBits, 512), (int)p.GetBitLength() - 1);
        BigInteger y, f;
        do
        {
            y = RandomBits(bits);
            f = BigInteger.ModPow(g, y, p);
        }
        while (!IsValidPublicValue(p, f));
        var k = BigInteger.ModPow(e, y, p);
        return (f, k);
    }

    public static (BigInteger F, BigInteger SharedSecret) Respond(DhGroup group, BigInteger e, int privateExponentBits = 1024)
    {
        ArgumentNullException.ThrowIfNull(group);
        return Respond(group.Prime, group.Generator, e, privateExponentBits);
    }

    /// <summary>1 &lt; value &lt; p - 1, and more than one bit set (OpenSSH dh_pub_is_valid).</summary>
    public static bool IsValidPublicValue(BigInteger p, BigInteger value) =>
        value > 1 && value < p - 1 && BigInteger.PopCount(value) > 1;

    private static BigInteger RandomBits(int bits)
    {
        var bytes = new byte[(bits + 7) / 8];
        BigInteger result;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            var excess = bytes.Length * 8 - bits;
            bytes[0] &= (byte)(0xff >> excess);
            result = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        }
        while (result < 2);
        CryptographicOperations.ZeroMemory(bytes);
        return result;
    }

    internal static DhGroup FromHex(string hex) =>
        new(BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), 2);
}
