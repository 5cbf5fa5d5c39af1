using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace Chronos.Gateway.Tests.Crypto;

public class Sntrup761X25519Tests
{
    private static readonly SecureRandom Random = new();

    // The client half as OpenSSH's kex_kem_sntrup761x25519_keypair/_dec compute it: sntrup761 key pair and
    // X25519 pair, then K = SHA-512(decapsulated secret || X25519 secret).
    [Fact]
    public void Client_decapsulation_derives_the_same_secret()
    {
        var generator = new SNtruPrimeKeyPairGenerator();
        generator.Init(new SNtruPrimeKeyGenerationParameters(Random, SNtruPrimeParameters.sntrup761));
        var kemPair = generator.GenerateKeyPair();
        var kemPublic = ((SNtruPrimePublicKeyParameters)kemPair.Public).GetEncoded();
        Assert.Equal(Sntrup761X25519.KemPublicKeySize, kemPublic.Length);
        var ecdh = new X25519PrivateKeyParameters(Random);
        var clientInit = kemPublic.Concat(ecdh.GeneratePublicKey().GetEncoded()).ToArray();

        var (reply, secret) = Sntrup761X25519.Respond(clientInit);

        Assert.Equal(1039 + 32, reply.Length);
        var kemSecret = new SNtruPrimeKemExtractor((SNtruPrimePrivateKeyParameters)kemPair.Private).ExtractSecret(reply[..1039]);
        var ecdhSecret = new byte[32];
        ecdh.GenerateSecret(new X25519PublicKeyParameters(reply, 1039), ecdhSecret, 0);
        var expected = SHA512.HashData(kemSecret.Concat(ecdhSecret).ToArray());
        Assert.Equal(expected, secret);

        var encoded = Sntrup761X25519.EncodeSharedSecret(secret);
        Assert.Equal(new byte[] { 0, 0, 0, 64 }, encoded[..4]);
        Assert.Equal(secret, encoded[4..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1158)]
    [InlineData(1189)]
    [InlineData(1191)]
    public void Wrong_length_is_rejected(int length)
    {
        Assert.Throws<SshKexException>(() => Sntrup761X25519.Respond(new byte[length]));
    }

    [Fact]
    public void Zero_x25519_point_is_rejected()
    {
        var clientInit = new byte[Sntrup761X25519.ClientInitSize];
        RandomNumberGenerator.Fill(clientInit.AsSpan(0, 1158));
        Assert.Throws<SshKexException>(() => Sntrup761X25519.Respond(clientInit));
    }

    [Fact]
    public void Random_kem_keys_never_crash()
    {
        for (var i = 0; i < 20; i++)
        {
            var clientInit = RandomNumberGenerator.GetBytes(Sntrup761X25519.ClientInitSize);
            var (reply, secret) = Sntrup761X25519.Respond(clientInit);
            Assert.Equal(Sntrup761X25519.ServerReplySize, reply.Length);
            Assert.Equal(64, secret.Length);
        }
    }
}
