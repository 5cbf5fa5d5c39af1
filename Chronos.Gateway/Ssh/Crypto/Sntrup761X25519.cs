using System.Security.Cryptography;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// Server side of sntrup761x25519-sha512 and its alias sntrup761x25519-sha512@openssh.com (OpenSSH
/// kexsntrup761x25519.c, kex_kem_sntrup761x25519_enc):
/// <list type="bullet">
/// <item>Q_C = sntrup761 public key (1158 bytes) || client X25519 public key (32);</item>
/// <item>the server encapsulates to the sntrup761 key (ciphertext 1039 bytes, secret 32) and makes a fresh X25519
///   pair; Q_S = ciphertext || server X25519 public key (32);</item>
/// <item>the shared secret is SHA-512(sntrup761 secret || raw X25519 secret).</item>
/// </list>
/// Encoding for the exchange hash and key derivation: OpenSSH stores K as an SSH <b>string</b> of the 64-byte
/// hash (<c>sshbuf_put_string</c>), not as an mpint, so the transport must write uint32 64 || hash, with no
/// leading-zero stripping or sign byte (<see cref="EncodeSharedSecret"/>). Q_C and Q_S go into the exchange hash
/// as strings as well.
/// BouncyCastle 2.7's sntrup761 encapsulation was measured to agree with OpenSSH's own sntrup761 decapsulation.
/// </summary>
public static class Sntrup761X25519
{
    public const int KemPublicKeySize = 1158;
    public const int KemCiphertextSize = 1039;
    public const int ClientInitSize = KemPublicKeySize + Curve25519Kex.KeySize;
    public const int ServerReplySize = KemCiphertextSize + Curve25519Kex.KeySize;

    private static readonly SecureRandom Random = new();

    /// <exception cref="SshKexException">Q_C has the wrong length, or the X25519 part yields an all-zero secret.</exception>
    public static (byte[] ServerReply, byte[] SharedSecret) Respond(ReadOnlySpan<byte> clientInit)
    {
        if (clientInit.Length != ClientInitSize)
        {
            throw new SshKexException($"sntrup761x25519 client value is {clientInit.Length} bytes, expected {ClientInitSize}");
        }
        byte[] kemSecret;
        byte[] ciphertext;
        try
        {
            var publicKey = new SNtruPrimePublicKeyParameters(SNtruPrimeParameters.sntrup761, clientInit[..KemPublicKeySize].ToArray());
            using var encapsulated = new SNtruPrimeKemGenerator(Random).GenerateEncapsulated(publicKey);
            kemSecret = encapsulated.GetSecret();
            ciphertext = encapsulated.GetEncapsulation();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new SshKexException("sntrup761 public key rejected", e);
        }
        if (ciphertext.Length != KemCiphertextSize || kemSecret.Length != 32)
        {
            throw new SshKexException("sntrup761 encapsulation produced unexpected sizes");
        }

        var x25519 = Curve25519Kex.NewPrivateKey();
        var ecdhSecret = Curve25519Kex.Agree(x25519, clientInit[KemPublicKeySize..]);

        var reply = new byte[ServerReplySize];
        ciphertext.CopyTo(reply, 0);
        x25519.GeneratePublicKey().Encode(reply, KemCiphertextSize);

        var both = new byte[64];
        kemSecret.CopyTo(both, 0);
        ecdhSecret.CopyTo(both, 32);
        var secret = SHA512.HashData(both);
        CryptographicOperations.ZeroMemory(both);
        CryptographicOperations.ZeroMemory(kemSecret);
        CryptographicOperations.ZeroMemory(ecdhSecret);
        return (reply, secret);
    }

    /// <summary>K as it enters the exchange hash and the key derivation: an SSH string (uint32 length || bytes).</summary>
    public static byte[] EncodeSharedSecret(ReadOnlySpan<byte> sharedSecret)
    {
        var writer = new SshWireWriter();
        writer.WriteString(sharedSecret);
        return writer.ToArray();
    }
}
