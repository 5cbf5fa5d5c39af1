using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

public class EcdhNistKexTests
{
    // OpenSSL through python3-cryptography plays the client: "keygen" prints private scalar and Q_C;
    // "derive" takes the scalar and Q_S and prints the shared X coordinate.
    private const string Client = """
        import sys
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        curve = {"nistp256": ec.SECP256R1(), "nistp384": ec.SECP384R1(), "nistp521": ec.SECP521R1()}[sys.argv[2]]
        if sys.argv[1] == "keygen":
            key = ec.generate_private_key(curve)
            print(hex(key.private_numbers().private_value))
            print(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint).hex())
        else:
            key = ec.derive_private_key(int(sys.argv[3], 16), curve)
            peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, bytes.fromhex(sys.argv[4]))
            print(key.exchange(ec.ECDH(), peer).hex())
        """;

    [Theory]
    [InlineData("ecdh-sha2-nistp256", "nistp256", 65)]
    [InlineData("ecdh-sha2-nistp384", "nistp384", 97)]
    [InlineData("ecdh-sha2-nistp521", "nistp521", 133)]
    public async Task Agrees_with_openssl_as_the_client(string kex, string curve, int pointLength)
    {
        var keygen = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Client, "keygen", curve])).EnsureSuccess()
            .StandardOutput.Split('\n');
        var (serverPoint, secret) = EcdhNistKex.Respond(kex, Hex.Decode(keygen[1]));
        Assert.Equal(pointLength, serverPoint.Length);
        var derived = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Client, "derive", curve, keygen[0][2..], Hex.Encode(serverPoint)]))
            .EnsureSuccess().StandardOutput.Trim();
        Assert.Equal(derived, Hex.Encode(secret));
    }

    [Fact]
    public void Points_off_the_curve_or_badly_encoded_are_rejected()
    {
        var good = Hex.Decode(
            "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" +
            "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"); // the P-256 base point
        EcdhNistKex.Respond("nistp256", good);
        var offCurve = (byte[])good.Clone();
        offCurve[^1] ^= 1;
        Assert.Throws<SshKexException>(() => EcdhNistKex.Respond("nistp256", offCurve));
        var compressed = (byte[])good.Clone();
        compressed[0] = 2;
        Assert.Throws<SshKexException>(() => EcdhNistKex.Respond("nistp256", compressed));
        Assert.Throws<SshKexException>(() => EcdhNistKex.Respond("nistp256", good[..64]));
        Assert.Throws<SshKexException>(() => EcdhNistKex.Respond("nistp384", good));
        Assert.Throws<SshKexException>(() => EcdhNistKex.Respond("nistp256", new byte[65]));
        Assert.Throws<ArgumentException>(() => EcdhNistKex.Respond("nistp999", good));
    }
}
