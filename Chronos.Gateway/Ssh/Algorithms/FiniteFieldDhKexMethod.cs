using System.Numerics;
using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>diffie-hellman-groupN-shaX (RFC 4253 §8, RFC 8268) and the group of a group exchange (RFC 4419).</summary>
internal sealed class FiniteFieldDhKexMethod(DhGroup group, HashAlgorithmName hash) : KexMethod
{
    public override HashAlgorithmName Hash => hash;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        var e = new BigInteger(clientPublic, isUnsigned: false, isBigEndian: true);
        try
        {
            // sshd's dh_gen_key: twice the bits of the largest key the ciphers need (chacha: 512 → 1024).
            var (f, k) = DiffieHellmanGroups.Respond(group, e, privateExponentBits: 1024);
            var size = (group.PrimeBits / 8) + 8;
            return new KexResult(
                new SshWriter(size).WriteMPInt(f.ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray(),
                new SshWriter(size).WriteMPInt(k.ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray());
        }
        catch (SshKexException ex)
        {
            throw new SshProtocolException(ex.Message, ex);
        }
    }
}
