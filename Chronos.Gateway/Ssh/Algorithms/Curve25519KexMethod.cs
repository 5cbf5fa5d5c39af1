using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>curve25519-sha256 and its @libssh.org alias (RFC 8731 §3): K is the X25519 output as an mpint.</summary>
internal sealed class Curve25519KexMethod : KexMethod
{
    public override HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        if (clientPublic.Length != X25519.PointSize)
        {
            throw SshProtocolException.Silent("curve25519 public key is not 32 bytes");
        }
        var (serverPublic, secret) = Agree(clientPublic);
        return new KexResult(new SshWriter(36).WriteString(serverPublic).ToArray(), new SshWriter(40).WriteMPInt(secret).ToArray());
    }

    /// <summary>X25519 with a fresh scalar; rejects the all-zero output (RFC 7748 §6.1, RFC 8731 §3.1).</summary>
    public static (byte[] ServerPublic, byte[] Secret) Agree(ReadOnlySpan<byte> clientPublic)
    {
        var scalar = new byte[X25519.ScalarSize];
        RandomNumberGenerator.Fill(scalar);
        var serverPublic = new byte[X25519.PointSize];
        X25519.ScalarMultBase(scalar, 0, serverPublic, 0);
        var secret = new byte[X25519.PointSize];
        if (!X25519.CalculateAgreement(scalar, 0, clientPublic.ToArray(), 0, secret, 0))
        {
            throw SshProtocolException.Silent("curve25519 shared secret is zero");
        }
        CryptographicOperations.ZeroMemory(scalar);
        return (serverPublic, secret);
    }
}
