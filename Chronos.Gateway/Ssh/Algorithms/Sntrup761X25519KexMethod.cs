using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Wire;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// sntrup761x25519-sha512 (and its @openssh.com name): the client sends its sntrup761 public key
/// (1158 bytes) and an X25519 key (32); the server answers with the KEM ciphertext (1039) and its
/// X25519 key; K = string(SHA-512(kem secret ‖ x25519 secret)) — a string, not an mpint.
/// </summary>
internal sealed class Sntrup761X25519KexMethod : KexMethod
{
    private const int PublicKeySize = 1158;
    private const int CiphertextSize = 1039;

    public override HashAlgorithmName Hash => HashAlgorithmName.SHA512;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        if (clientPublic.Length != PublicKeySize + 32)
        {
            throw SshProtocolException.Silent("sntrup761x25519 client key has the wrong size");
        }
        var kemPublic = new SNtruPrimePublicKeyParameters(SNtruPrimeParameters.sntrup761, clientPublic[..PublicKeySize].ToArray());
        var encapsulated = new SNtruPrimeKemGenerator(new SecureRandom()).GenerateEncapsulated(kemPublic);
        var ciphertext = encapsulated.GetEncapsulation();
        var kemSecret = encapsulated.GetSecret();
        if (ciphertext.Length != CiphertextSize)
        {
            throw new CryptographicException($"sntrup761 ciphertext of {ciphertext.Length} bytes");
        }
        var x25519Private = Curve25519Kex.NewPrivateKey();
        var x25519Public = x25519Private.GeneratePublicKey().GetEncoded();
        byte[] x25519Secret;
        try
        {
            x25519Secret = Curve25519Kex.Agree(x25519Private, clientPublic[PublicKeySize..]);
        }
        catch (SshKexException e)
        {
            throw new SshProtocolException(e.Message, e);
        }
        var secret = SHA512.HashData([.. kemSecret, .. x25519Secret]);
        return new KexResult(
            new SshWriter(CiphertextSize + 40).WriteString([.. ciphertext, .. x25519Public]).ToArray(),
            new SshWriter(68).WriteString(secret).ToArray());
    }
}
