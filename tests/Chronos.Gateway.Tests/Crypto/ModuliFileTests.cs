using System.Numerics;
using System.Text;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Tests.Crypto;

public class ModuliFileTests
{
    private static readonly Lazy<string> DebianModuli = new(() => File.ReadAllText(ModuliFile.DefaultPath));

    [Fact]
    public void Debian_stock_file_parses_completely()
    {
        var text = DebianModuli.Value;
        var dataLines = text.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        var moduli = ModuliFile.Parse(text);
        Assert.Equal(0, moduli.RejectedLines);
        Assert.Equal(dataLines, moduli.Entries.Count);
        Assert.All(moduli.Entries, e =>
        {
            Assert.Contains(e.Size, new[] { 2048, 3072, 4096, 6144, 7680, 8192 });
            Assert.Equal(e.Size, (int)e.Prime.GetBitLength());
            Assert.True(e.Generator > 1);
            Assert.True(e.Prime.IsProbablyOdd());
        });
    }

    // Debian's file lists sizes in ascending order, where choose_dh amounts to: the smallest size >= wanted
    // within [min, max], else the largest size below wanted.
    [Theory]
    [InlineData(2048, 2048, 8192, 2048)]
    [InlineData(2048, 3072, 8192, 3072)]
    [InlineData(2048, 4000, 8192, 4096)]
    [InlineData(2048, 7680, 8192, 7680)]
    [InlineData(2048, 8192, 8192, 8192)]
    [InlineData(1024, 1024, 1024, 2048)] // nothing in range: RFC 3526 group 14 fallback
    [InlineData(3000, 3000, 3070, 2048)] // nothing in range, max < 3072: group 14 fallback
    [InlineData(5000, 5000, 5500, 4096)] // nothing in range, max < 6144: group 16 fallback
    [InlineData(2048, 8192, 6000, 4096)] // largest size below wanted
    public void Choose_matches_openssh(int min, int want, int max, int expectedBits)
    {
        var moduli = ModuliFile.Parse(DebianModuli.Value);
        var group = moduli.Choose(min, want, max);
        Assert.Equal(expectedBits, group.PrimeBits);
    }

    [Fact]
    public void Choose_picks_among_all_moduli_of_the_best_size()
    {
        var moduli = ModuliFile.Parse(DebianModuli.Value);
        var candidates = moduli.Entries.Where(e => e.Size == 2048).Select(e => e.Prime).ToHashSet();
        var seen = new HashSet<BigInteger>();
        for (var i = 0; i < 200; i++)
        {
            var group = moduli.Choose(2048, 2048, 8192);
            Assert.Contains(group.Prime, candidates);
            seen.Add(group.Prime);
        }
        // 200 uniform draws from 60 moduli: fewer than 30 distinct would be vanishingly unlikely.
        Assert.True(seen.Count > 30, $"only {seen.Count} distinct moduli in 200 draws");
    }

    [Fact]
    public void Order_dependence_is_kept()
    {
        // In file order 3072 then 2048, OpenSSH keeps 3072 for a 2048-bit request (best is never lowered back to
        // an exact match once it exceeds the wanted size).
        var debian = ModuliFile.Parse(DebianModuli.Value);
        var e2048 = debian.Entries.First(e => e.Size == 2048);
        var e3072 = debian.Entries.First(e => e.Size == 3072);
        var text = Line(e3072) + "\n" + Line(e2048) + "\n";
        Assert.Equal(3072, ModuliFile.Parse(text).Choose(2048, 2048, 8192).PrimeBits);
    }

    [Theory]
    [InlineData(4096u, 2048u, 8192u)]
    [InlineData(2048u, 8192u, 4096u)]
    [InlineData(3072u, 2048u, 2048u)]
    [InlineData(1024u, 1024u, 1024u)]
    public void Gex_request_out_of_range_is_rejected(uint min, uint want, uint max)
    {
        Assert.Throws<SshKexException>(() => ModuliFile.Parse(DebianModuli.Value).ChooseForRequest(min, want, max));
    }

    [Fact]
    public void Gex_request_is_clamped_to_openssh_limits()
    {
        var moduli = ModuliFile.Parse(DebianModuli.Value);
        Assert.Equal(2048, moduli.ChooseForRequest(1024, 1536, 2048).PrimeBits);
        Assert.Equal(8192, moduli.ChooseForRequest(2048, 16384, 65535).PrimeBits);
    }

    [Fact]
    public void Missing_file_means_fallback_groups()
    {
        var moduli = ModuliFile.Load("/nonexistent/moduli");
        Assert.Empty(moduli.Entries);
        Assert.Equal(DiffieHellmanGroups.Group16.Prime, moduli.Choose(2048, 4096, 4096).Prime);
    }

    // Fuzz: damaged real lines and random text never throw; whatever is accepted satisfies parse_prime's rules.
    [Fact]
    public void Damaged_and_random_lines_are_skipped_without_crashing()
    {
        var random = new Random(5);
        var lines = DebianModuli.Value.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Take(40).ToArray();
        const string alphabet = "0123456789abcdefABCDEFxyz #\t-+ \r";
        for (var round = 0; round < 300; round++)
        {
            var text = new StringBuilder();
            for (var i = 0; i < 10; i++)
            {
                var line = lines[random.Next(lines.Length)].ToCharArray();
                switch (random.Next(4))
                {
                    case 0:
                        line[random.Next(line.Length)] = alphabet[random.Next(alphabet.Length)];
                        break;
                    case 1:
                        line = line[..random.Next(line.Length)];
                        break;
                    case 2:
                        line = Enumerable.Range(0, random.Next(200)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
                        break;
                }
                text.Append(line).Append('\n');
            }
            var moduli = ModuliFile.Parse(text.ToString());
            Assert.Equal(10, moduli.Entries.Count + moduli.RejectedLines + CountSkipped(text.ToString()));
            Assert.All(moduli.Entries, e =>
            {
                Assert.Equal(e.Size, (int)e.Prime.GetBitLength());
                Assert.True(e.Generator > 1);
                Assert.Equal(0, e.Tests & 1);
            });
            _ = moduli.Choose(2048, 3072, 8192);
        }
    }

    private static int CountSkipped(string text) =>
        text.Split('\n').SkipLast(1).Count(l => l.TrimEnd('\r').TrimStart(' ', '\t') is var t && (t.Length == 0 || t[0] == '#'));

    private static string Line(ModuliEntry e) =>
        $"{e.Timestamp} 2 {e.Tests} {e.Tries} {e.Size - 1} {e.Generator:X} {e.Prime.ToString("X", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0')}";
}

internal static class BigIntegerTestExtensions
{
    public static bool IsProbablyOdd(this BigInteger value) => !value.IsEven;
}
