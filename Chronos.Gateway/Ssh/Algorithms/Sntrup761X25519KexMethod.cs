using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// sntrup761x25519-sha512 and its @openssh.com name: Q_S = KEM ciphertext ‖ X25519 key as a string,
/// K = SHA-512(kem secret ‖ x25519 secret) as a string (not an mpint), hash SHA-512.
/// </summary>
internal sealed class Sntrup761X25519KexMethod : KexMethod
{
    public override HashAlgorithmName Hash => HashAlgorithmName.SHA512;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        try
        {
            var (reply, secret) = Sntrup761X25519.Respond(clientPublic);
            return new KexResult(new SshWriter(reply.Length + 4).WriteString(reply).ToArray(), new SshWriter(68).WriteString(secret).ToArray());
        }
        catch (SshKexException e)
        {
            throw new SshProtocolException(e.Message, e);
        }
    }
}
