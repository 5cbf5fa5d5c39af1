using System.Globalization;
using System.Numerics;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

public class DiffieHellmanGroupsTests
{
    // Oracle: OpenSSL's built-in RFC 3526 groups, dumped as DER integers.
    [Theory]
    [InlineData(2048)]
    [InlineData(4096)]
    [InlineData(8192)]
    public async Task Primes_equal_openssl_rfc3526_groups(int bits)
    {
        var result = (await ProcessRunner.BashAsync(
            $"openssl genpkey -genparam -algorithm DH -pkeyopt group:modp_{bits} | openssl asn1parse")).EnsureSuccess();
        var integers = result.StandardOutput.Split('\n')
            .Where(l => l.Contains("INTEGER", StringComparison.Ordinal))
            .Select(l => BigInteger.Parse("0" + l[(l.LastIndexOf(':') + 1)..].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
            .ToList();
        var group = bits switch { 2048 => DiffieHellmanGroups.Group14, 4096 => DiffieHellmanGroups.Group16, _ => DiffieHellmanGroups.Group18 };
        Assert.Equal(integers[0], group.Prime);
        Assert.Equal(integers[1], group.Generator);
        Assert.Equal(bits, group.PrimeBits);
    }

    [Fact]
    public void Both_sides_agree()
    {
        var group = DiffieHellmanGroups.Group14;
        var x = new BigInteger(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64), isUnsigned: true);
        var e = BigInteger.ModPow(group.Generator, x, group.Prime);
        var (f, k) = DiffieHellmanGroups.Respond(group, e);
        Assert.Equal(BigInteger.ModPow(f, x, group.Prime), k);
        Assert.True(DiffieHellmanGroups.IsValidPublicValue(group.Prime, f));
    }

    [Fact]
    public void Out_of_range_e_is_rejected()
    {
        var p = DiffieHellmanGroups.Group14.Prime;
        foreach (var e in new[] { BigInteger.Zero, BigInteger.One, p - 1, p, p + 5, BigInteger.MinusOne, new BigInteger(1) << 100 })
        {
            Assert.Throws<SshKexException>(() => DiffieHellmanGroups.Respond(DiffieHellmanGroups.Group14, e));
        }
    }

    [Theory]
    [InlineData(2048, 2048)]
    [InlineData(3071, 2048)]
    [InlineData(3072, 4096)]
    [InlineData(6143, 4096)]
    [InlineData(6144, 8192)]
    [InlineData(8192, 8192)]
    public void Fallback_follows_openssh(int max, int expectedBits)
    {
        Assert.Equal(expectedBits, DiffieHellmanGroups.Fallback(max).PrimeBits);
    }
}
