using System.Numerics;
using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>diffie-hellman-groupN-shaX (RFC 4253 §8, RFC 8268) and the group of a group exchange (RFC 4419).</summary>
internal sealed class FiniteFieldDhKexMethod(DhGroup group, HashAlgorithmName hash) : KexMethod
{
    public override HashAlgorithmName Hash => hash;

    public DhGroup Group => group;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        var e = new BigInteger(clientPublic, isUnsigned: false, isBigEndian: true);
        // RFC 4253 §8: 1 < e < p-1, or the exchange is insecure; sshd (dh_pub_is_valid) refuses it.
        if (e <= BigInteger.One || e >= group.Prime - 1)
        {
            throw SshProtocolException.Silent("DH public value out of range");
        }
        // A private exponent of twice the hash's bits (sshd: dh_estimate → 2 × security bits).
        var exponentBytes = hash == HashAlgorithmName.SHA512 ? 64 : 48;
        Span<byte> random = stackalloc byte[exponentBytes];
        RandomNumberGenerator.Fill(random);
        var x = new BigInteger(random, isUnsigned: true, isBigEndian: true);
        var f = BigInteger.ModPow(group.Generator, x, group.Prime);
        var k = BigInteger.ModPow(e, x, group.Prime);
        return new KexResult(
            new SshWriter(group.Bits / 8 + 8).WriteMPInt(f.ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray(),
            new SshWriter(group.Bits / 8 + 8).WriteMPInt(k.ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray());
    }
}
