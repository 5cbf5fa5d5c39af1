using Chronos.Gateway.Ssh.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Chronos.Gateway.Tests.Crypto;

public class Curve25519KexTests
{
    // RFC 7748 §6.1.
    [Fact]
    public void Rfc7748_section_6_1_shared_secret()
    {
        var alicePrivate = new X25519PrivateKeyParameters(Hex.Decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.Encode(alicePrivate.GeneratePublicKey().GetEncoded()));
        var bobPublic = Hex.Decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        var secret = Curve25519Kex.Agree(alicePrivate, bobPublic);
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Hex.Encode(secret));
    }

    [Fact]
    public void Server_and_client_derive_the_same_secret()
    {
        var client = new X25519PrivateKeyParameters(new SecureRandom());
        var (serverPublic, serverSecret) = Curve25519Kex.Respond(client.GeneratePublicKey().GetEncoded());
        var clientSecret = new byte[32];
        client.GenerateSecret(new X25519PublicKeyParameters(serverPublic), clientSecret, 0);
        Assert.Equal(clientSecret, serverSecret);
        Assert.Equal(32, serverPublic.Length);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    // A point of order 8 (RFC 7748 implementations' low-order list): X25519 with it is zero.
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    public void Low_order_points_are_rejected(string point)
    {
        Assert.Throws<SshKexException>(() => Curve25519Kex.Respond(Hex.Decode(point)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Wrong_length_is_rejected(int length)
    {
        Assert.Throws<SshKexException>(() => Curve25519Kex.Respond(new byte[length]));
    }
}
