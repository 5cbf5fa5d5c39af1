using Chronos.Gateway.Sessions;
using Chronos.Hypervisor.Worlds;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>Branch names are derived from attacker-controlled text: they must always be valid world names.</summary>
public sealed class WorldNamingTests
{
    [Fact]
    public void Random_bases_identities_session_ids_and_addresses_always_give_valid_distinct_names()
    {
        var random = new Random(606);
        const string alphabet = "abz09_-:.[]%/\0 \u00e9{}*?";
        string RandomText(int max) => new([.. Enumerable.Range(0, random.Next(max)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var seen = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        for (var i = 0; i < 5000; i++)
        {
            var baseWorld = "w" + new string('a', random.Next(63));
            var identity = RandomText(40);
            var attackerWorld = WorldAssignment.AttackerWorldName(baseWorld, identity);
            Assert.True(WorldCatalog.IsValidName(attackerWorld), attackerWorld);
            if (seen.TryGetValue(attackerWorld, out var earlier))
            {
                Assert.Equal(earlier, (baseWorld, identity));
            }
            seen[attackerWorld] = (baseWorld, identity);

            var sessionWorld = WorldAssignment.SessionWorldName(baseWorld, RandomText(30) + "x");
            Assert.True(WorldCatalog.IsValidName(sessionWorld), sessionWorld);
            Assert.NotNull(WorldAssignment.NormalizeAddress(RandomText(50)));
        }
    }

    [Theory]
    [InlineData("203.0.113.5", "203.0.113.5")]
    [InlineData("203.0.113.5:22", "203.0.113.5")]
    [InlineData("::ffff:203.0.113.5", "203.0.113.5")]
    [InlineData("[::ffff:203.0.113.5]:4022", "203.0.113.5")]
    [InlineData("[2001:db8::1]:22", "2001:db8::1")]
    [InlineData("2001:0db8:0000::1", "2001:db8::1")]
    [InlineData("not an address", "not an address")]
    public void Source_addresses_are_reduced_to_the_ip(string reported, string ip) =>
        Assert.Equal(ip, WorldAssignment.NormalizeAddress(reported));

    [Fact]
    public void Long_base_worlds_that_share_a_prefix_get_different_branches()
    {
        var a = new string('a', 50) + "1";
        var b = new string('a', 50) + "2";
        Assert.NotEqual(WorldAssignment.AttackerWorldName(a, "root"), WorldAssignment.AttackerWorldName(b, "root"));
        Assert.NotEqual(WorldAssignment.SessionWorldName(a, "0123456789abcdef"), WorldAssignment.SessionWorldName(b, "0123456789abcdef"));
    }
}
