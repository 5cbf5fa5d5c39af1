using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Seeding;
using Chronos.Testing;

namespace Chronos.Persona.Tests;

public sealed class WorldSeederTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public async Task Seeding_writes_the_plan_and_a_second_seeding_changes_nothing(string persona)
    {
        var world = await redis.SeededWorldAsync(persona);
        var before = await WorldTree.WalkAsync(world);
        Assert.Contains("/etc/passwd", before.Keys);
        Assert.Equal(ContentState.Ghost, before["/var/log/auth.log"].Content);
        Assert.True(before["/var/log/auth.log"].Size > 1000);

        var again = await new WorldSeeder(redis.Redis, redis.Honeytokens).SeedAsync(world, TestWorlds.Catalog.Get(persona), new SeedOptions { Now = TestWorlds.SeededAt.AddDays(3) });
        Assert.True(again.AlreadySeeded);
        var after = await WorldTree.WalkAsync(world);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (path, attributes) in before)
        {
            Assert.Equal(attributes, after[path]);
        }
        var fsck = await redis.Catalog.FsckAsync(world.World);
        Assert.True(fsck.Clean, fsck.ToString());
    }

    [Fact]
    public async Task Seeded_passwd_and_hostname_are_the_personas()
    {
        var world = await redis.SeededWorldAsync("db-debian12");
        var passwd = await WorldTree.ReadTextAsync(world, "/etc/passwd");
        Assert.Contains("jkoenig:x:1000:1000:Jonas Koenig,,,:/home/jkoenig:/bin/bash\n", passwd, StringComparison.Ordinal);
        Assert.Equal("pg-main-02\n", await WorldTree.ReadTextAsync(world, "/etc/hostname"));
        var shadow = (await world.GetAttrAsync(await WorldTree.ResolveAsync(world, "/etc/shadow"))).Value;
        Assert.Equal(0x81A0u, shadow.Mode);
        Assert.Equal(42u, shadow.Gid);
    }

    [Fact]
    public async Task Host_keys_are_real_keys_that_ssh_keygen_reads()
    {
        var world = await redis.SeededWorldAsync("ci-ubuntu2404");
        var directory = Directory.CreateTempSubdirectory("chronos-hostkeys-");
        try
        {
            foreach (var type in new[] { "ed25519", "ecdsa", "rsa" })
            {
                var key = await WorldTree.ReadTextAsync(world, $"/etc/ssh/ssh_host_{type}_key");
                var pub = await WorldTree.ReadTextAsync(world, $"/etc/ssh/ssh_host_{type}_key.pub");
                var file = Path.Combine(directory.FullName, type);
                await File.WriteAllTextAsync(file, key);
                (await ProcessRunner.RunAsync("chmod", ["600", file])).EnsureSuccess();
                var derived = (await ProcessRunner.RunAsync("ssh-keygen", ["-y", "-f", file])).EnsureSuccess().StandardOutput.Trim();
                Assert.Equal(pub.Trim(), derived);
                var fingerprint = (await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-f", file])).EnsureSuccess().StandardOutput;
                Assert.Contains(type == "rsa" ? "3072" : type == "ecdsa" ? "256" : "256", fingerprint, StringComparison.Ordinal);
                Assert.Contains("root@ci-runner-03", fingerprint, StringComparison.Ordinal);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Two_worlds_of_one_persona_get_different_host_keys()
    {
        var a = await redis.SeededWorldAsync("web-ubuntu2204");
        var b = await redis.SeededWorldAsync("web-ubuntu2204");
        Assert.NotEqual(await WorldTree.ReadTextAsync(a, "/etc/ssh/ssh_host_ed25519_key.pub"), await WorldTree.ReadTextAsync(b, "/etc/ssh/ssh_host_ed25519_key.pub"));
    }

    [Fact]
    public async Task Planted_credentials_are_registered_as_honeytokens()
    {
        var world = await redis.SeededWorldAsync("web-ubuntu2204");
        var tokens = await redis.Honeytokens.ListAsync(world.World);
        Assert.Contains(tokens, t => t.Path == "/var/www/html/wp-config.php" && t.Kind == "password");
        var match = await redis.Honeytokens.MatchAsync(world.World, tokens[0].Value);
        Assert.NotNull(match);
        Assert.Null(await redis.Honeytokens.MatchAsync(world.World, "not-planted-anywhere"));
    }
}
