using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>ecdh-sha2-nistp256/384/521 (RFC 5656 §4): uncompressed points as strings, K = x-coordinate as an mpint.</summary>
internal sealed class EcdhNistKexMethod(string kexName, HashAlgorithmName hash) : KexMethod
{
    public override HashAlgorithmName Hash => hash;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        try
        {
            var (serverPoint, secret) = EcdhNistKex.Respond(kexName, clientPublic);
            return new KexResult(new SshWriter(serverPoint.Length + 4).WriteString(serverPoint).ToArray(), new SshWriter(72).WriteMPInt(secret).ToArray());
        }
        catch (SshKexException e)
        {
            throw new SshProtocolException(e.Message, e);
        }
    }
}
