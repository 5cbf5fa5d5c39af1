using Chronos.Persona.Model;
using Chronos.Testing;

namespace Chronos.Persona.Tests;

public sealed class PersonaLoaderTests
{
    private static string Builtin(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Personas", name + ".yaml"));

    [Fact]
    public void Ships_three_personas_that_differ_in_distribution_and_role()
    {
        var catalog = PersonaCatalog.Load();
        Assert.Equal(["ci-ubuntu2404", "db-debian12", "web-ubuntu2204"], catalog.All.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, catalog.All.Select(p => p.Ssh.WireProfile).Distinct().Count());
        Assert.Equal(3, catalog.All.Select(p => p.Os.VersionId).Distinct().Count());
        Assert.True(catalog.Get("web-ubuntu2204").HasService("nginx"));
        Assert.True(catalog.Get("db-debian12").HasService("postgresql"));
        Assert.True(catalog.Get("ci-ubuntu2404").HasService("docker"));
    }

    [Fact]
    public void The_openssh_server_package_matches_the_banner()
    {
        foreach (var p in PersonaCatalog.Load().All)
        {
            var server = p.Packages.Single(k => k.Name == "openssh-server");
            // Banner "OpenSSH_8.9p1 Ubuntu-3ubuntu0.10" <-> package version "1:8.9p1-3ubuntu0.10".
            var bannerVersion = p.Ssh.Banner.Split('_')[1].Replace(" Ubuntu-", "-", StringComparison.Ordinal).Replace(" Debian-", "-", StringComparison.Ordinal);
            Assert.Equal("1:" + bannerVersion, server.Version);
        }
    }

    [Fact]
    public async Task Every_listed_password_matches_its_sha512_crypt_hash()
    {
        var checkedCount = 0;
        foreach (var user in PersonaCatalog.Load().All.SelectMany(p => p.Users).Where(u => u.Password is not null))
        {
            var salt = user.Hash.Split('$')[2];
            var result = await ProcessRunner.RunAsync("openssl", ["passwd", "-6", "-salt", salt, "-stdin"], standardInput: user.Password + "\n");
            Assert.Equal(user.Hash, result.EnsureSuccess().StandardOutput.Trim());
            checkedCount++;
        }
        Assert.True(checkedCount >= 6);
    }

    [Theory]
    [InlineData("hostname: wp-prod-01\n", "hostname", "wp-bad_host!")]
    [InlineData("seed: \"5eed0a1b2c3d4e5f\"\n", "seed", "seed: nothex\n")]
    public void A_bad_scalar_is_named(string good, string field, string bad)
    {
        var yaml = Builtin("web-ubuntu2204");
        var broken = field == "hostname" ? yaml.Replace(good, $"hostname: {bad}\n", StringComparison.Ordinal) : yaml.Replace(good, bad, StringComparison.Ordinal);
        var e = Assert.Throws<PersonaException>(() => PersonaLoader.Parse(broken, "t"));
        Assert.Contains(e.Problems, p => p.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_fields_duplicate_uids_relative_homes_and_bad_hashes_are_all_reported()
    {
        var yaml = Builtin("db-debian12")
            .Replace("hostname: pg-main-02\n", "", StringComparison.Ordinal)
            .Replace("{ name: dbadmin, uid: 1001,", "{ name: dbadmin, uid: 1000,", StringComparison.Ordinal)
            .Replace("home: /home/jkoenig", "home: home/jkoenig", StringComparison.Ordinal)
            .Replace("$6$tLKM4UT9bCWH5nTA$", "$1$tLKM4UT9bCWH5nTA$", StringComparison.Ordinal);
        var e = Assert.Throws<PersonaException>(() => PersonaLoader.Parse(yaml, "db"));
        Assert.Contains("missing field hostname", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("duplicate uid 1000", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("home 'home/jkoenig'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("user dbadmin: hash", StringComparison.Ordinal));
        Assert.Contains("db", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_banner_the_gateway_cannot_speak_is_refused()
    {
        var yaml = Builtin("ci-ubuntu2404").Replace("Ubuntu-3ubuntu13.5", "Ubuntu-3ubuntu13.5 extra", StringComparison.Ordinal);
        var e = Assert.Throws<PersonaException>(() => PersonaLoader.Parse(yaml, "ci"));
        Assert.Contains(e.Problems, p => p.StartsWith("ssh.banner", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_field_names_its_line()
    {
        var yaml = Builtin("web-ubuntu2204").Replace("timeZone:", "timezoneTypo: x\ntimeZone:", StringComparison.Ordinal);
        var e = Assert.Throws<PersonaException>(() => PersonaLoader.Parse(yaml, "web"));
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
    }
}
