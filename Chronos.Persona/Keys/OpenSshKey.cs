using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Persona.Keys;

/// <summary>
/// A key pair written as OpenSSH writes it: the private key in the openssh-key-v1 format
/// (PROTOCOL.key in the OpenSSH sources: unencrypted, "none" cipher and KDF) and the public key
/// as an authorized_keys / .pub line. ssh-keygen -y reads the private file back.
/// </summary>
public sealed record OpenSshKey(string Algorithm, string PrivateKeyFile, string PublicKeyLine)
{
    private const string Magic = "openssh-key-v1\0";

    /// <summary>Ed25519 from a 32-byte seed (BouncyCastle: .NET has no Ed25519).</summary>
    public static OpenSshKey Ed25519(ReadOnlySpan<byte> seed, string comment, uint checkInt)
    {
        var privateKey = new Ed25519PrivateKeyParameters(seed.ToArray(), 0);
        var publicKey = privateKey.GeneratePublicKey().GetEncoded();
        var publicBlob = new SshWireWriter();
        publicBlob.String("ssh-ed25519");
        publicBlob.String(publicKey);

        var secret = new SshWireWriter();
        secret.String("ssh-ed25519");
        secret.String(publicKey);
        secret.String([.. seed, .. publicKey]);
        return Build("ssh-ed25519", publicBlob.ToArray(), secret, comment, checkInt);
    }

    public static OpenSshKey EcdsaP256(ECParameters parameters, string comment, uint checkInt)
    {
        byte[] q = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        var publicBlob = new SshWireWriter();
        publicBlob.String("ecdsa-sha2-nistp256");
        publicBlob.String("nistp256");
        publicBlob.String(q);

        var secret = new SshWireWriter();
        secret.String("ecdsa-sha2-nistp256");
        secret.String("nistp256");
        secret.String(q);
        secret.MPInt(parameters.D);
        return Build("ecdsa-sha2-nistp256", publicBlob.ToArray(), secret, comment, checkInt);
    }

    public static OpenSshKey Rsa(RSAParameters parameters, string comment, uint checkInt)
    {
        var publicBlob = new SshWireWriter();
        publicBlob.String("ssh-rsa");
        publicBlob.MPInt(parameters.Exponent);
        publicBlob.MPInt(parameters.Modulus);

        var secret = new SshWireWriter();
        secret.String("ssh-rsa");
        secret.MPInt(parameters.Modulus);
        secret.MPInt(parameters.Exponent);
        secret.MPInt(parameters.D);
        // OpenSSH's iqmp is q^-1 mod p, which is what .NET calls InverseQ.
        secret.MPInt(parameters.InverseQ);
        secret.MPInt(parameters.P);
        secret.MPInt(parameters.Q);
        return Build("ssh-rsa", publicBlob.ToArray(), secret, comment, checkInt);
    }

    private static OpenSshKey Build(string algorithm, byte[] publicBlob, SshWireWriter secretTail, string comment, uint checkInt)
    {
        var secret = new SshWireWriter();
        secret.UInt32(checkInt);
        secret.UInt32(checkInt);
        secret.Raw(secretTail.ToArray());
        secret.String(comment);
        // Pad to the "none" cipher's block size of 8 with 1, 2, 3, ...
        for (byte pad = 1; secret.Length % 8 != 0; pad++)
        {
            secret.Raw([pad]);
        }

        var file = new SshWireWriter();
        file.Raw(Encoding.ASCII.GetBytes(Magic));
        file.String("none");
        file.String("none");
        file.String(""u8);
        file.UInt32(1);
        file.String(publicBlob);
        file.String(secret.ToArray());

        var base64 = Convert.ToBase64String(file.ToArray());
        var pem = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (var i = 0; i < base64.Length; i += 70)
        {
            pem.Append(base64.AsSpan(i, Math.Min(70, base64.Length - i))).Append('\n');
        }
        pem.Append("-----END OPENSSH PRIVATE KEY-----\n");
        return new OpenSshKey(algorithm, pem.ToString(), $"{algorithm} {Convert.ToBase64String(publicBlob)} {comment}\n");
    }
}
