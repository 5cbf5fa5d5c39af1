using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Tests.Crypto;

public class Poly1305Tests
{
    // RFC 8439 §2.5.2 and Appendix A.3 test vectors #1, #2 and the edge cases #5–#11 that probe the reduction.
    [Theory]
    [InlineData("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
        "43727970746f6772617068696320466f72756d2052657365617263682047726f7570", "a8061dc1305136c6c22b8baf0c0127a9")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000")]
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000",
        "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000")]
    [InlineData("02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
        "02000000000000000000000000000000", "03000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000",
        "05000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101",
        "00000000000000000000000000000000")]
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000",
        "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff")]
    [InlineData("0100000000000000040000000000000000000000000000000000000000000000",
        "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000",
        "14000000000000005500000000000000")]
    [InlineData("0100000000000000040000000000000000000000000000000000000000000000",
        "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000",
        "13000000000000000000000000000000")]
    public void Rfc8439_vectors(string key, string message, string tag)
    {
        var actual = new byte[16];
        Poly1305.Compute(Hex.Decode(key), Hex.Decode(message), actual);
        Assert.Equal(tag, Hex.Encode(actual));
    }

    [Fact]
    public void Matches_bouncycastle_for_random_and_extreme_inputs()
    {
        var random = new Random(1305);
        var bc = new Org.BouncyCastle.Crypto.Macs.Poly1305();
        for (var i = 0; i < 3000; i++)
        {
            var key = new byte[32];
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(key);
            random.NextBytes(message);
            if (i % 3 == 0)
            {
                Array.Fill(key, (byte)0xff);   // maximal r and s: every carry path
                Array.Fill(message, (byte)0xff);
            }
            var expected = new byte[16];
            bc.Init(new KeyParameter(key));
            bc.BlockUpdate(message);
            bc.DoFinal(expected);
            var actual = new byte[16];
            Poly1305.Compute(key, message, actual);
            Assert.Equal(Hex.Encode(expected), Hex.Encode(actual));
        }
    }

    [Fact]
    public async Task Matches_openssl()
    {
        var random = new Random(8439);
        var cases = Enumerable.Range(0, 40).Select(i =>
        {
            var key = new byte[32];
            var message = new byte[i * 37];
            random.NextBytes(key);
            random.NextBytes(message);
            return (key, message);
        }).ToList();
        const string script = """
            import sys
            from cryptography.hazmat.primitives.poly1305 import Poly1305
            for line in sys.stdin:
                key, msg = line.split(" ")
                print(Poly1305.generate_tag(bytes.fromhex(key), bytes.fromhex(msg.strip())).hex())
            """;
        var lines = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script],
            standardInput: string.Concat(cases.Select(c => $"{Hex.Encode(c.key)} {Hex.Encode(c.message)}\n")))).EnsureSuccess()
            .StandardOutput.Split('\n');
        for (var i = 0; i < cases.Count; i++)
        {
            var actual = new byte[16];
            Poly1305.Compute(cases[i].key, cases[i].message, actual);
            Assert.Equal(lines[i], Hex.Encode(actual));
        }
    }
}
