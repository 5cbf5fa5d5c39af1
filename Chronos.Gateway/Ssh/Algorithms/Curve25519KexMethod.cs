using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>curve25519-sha256 and its @libssh.org alias (RFC 8731 §3): K is the X25519 output as an mpint.</summary>
internal sealed class Curve25519KexMethod : KexMethod
{
    public override HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        try
        {
            var (serverPublic, secret) = Curve25519Kex.Respond(clientPublic);
            return new KexResult(new SshWriter(36).WriteString(serverPublic).ToArray(), new SshWriter(40).WriteMPInt(secret).ToArray());
        }
        catch (SshKexException e)
        {
            throw new SshProtocolException(e.Message, e);
        }
    }
}
