using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// Server side of curve25519-sha256 and curve25519-sha256@libssh.org (RFC 8731): a fresh X25519 key pair per
/// exchange, the shared secret X25519(server private, Q_C). The transport puts the secret into the
/// exchange hash and key derivation as an mpint of the 32 raw bytes read big-endian (RFC 8731 §3.1),
/// i.e. <c>SshMpint.Encode(SharedSecret)</c>.
/// </summary>
public static class Curve25519Kex
{
    public const int KeySize = 32;

    private static readonly SecureRandom Random = new();

    /// <exception cref="SshKexException">Q_C is not 32 bytes, or the shared secret is all zeros (a low-order point;
    /// OpenSSH's kexc25519_shared_key_ext refuses it the same way).</exception>
    public static (byte[] ServerPublic, byte[] SharedSecret) Respond(ReadOnlySpan<byte> clientPublic32)
    {
        if (clientPublic32.Length != KeySize)
        {
            throw new SshKexException($"curve25519 client key is {clientPublic32.Length} bytes, expected {KeySize}");
        }
        var serverPrivate = new X25519PrivateKeyParameters(Random);
        var serverPublic = serverPrivate.GeneratePublicKey().GetEncoded();
        var secret = Agree(serverPrivate, clientPublic32);
        return (serverPublic, secret);
    }

    /// <summary>X25519(private, peer) with the all-zero check; shared with the sntrup761 hybrid.</summary>
    internal static byte[] Agree(X25519PrivateKeyParameters privateKey, ReadOnlySpan<byte> peerPublic32)
    {
        var secret = new byte[KeySize];
        try
        {
            privateKey.GenerateSecret(new X25519PublicKeyParameters(peerPublic32), secret, 0);
        }
        catch (InvalidOperationException e)
        {
            // BouncyCastle reports an all-zero result this way.
            throw new SshKexException("curve25519 shared secret is zero", e);
        }
        if (CryptographicOperations.FixedTimeEquals(secret, new byte[KeySize]))
        {
            throw new SshKexException("curve25519 shared secret is zero");
        }
        return secret;
    }

    internal static X25519PrivateKeyParameters NewPrivateKey() => new(Random);
}
