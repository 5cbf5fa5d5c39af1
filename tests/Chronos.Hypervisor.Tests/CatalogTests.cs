using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Sessions;
using Chronos.Hypervisor.Worlds;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

public sealed class CatalogTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Worlds_are_created_listed_reset_and_deleted()
    {
        var catalog = redis.Catalog;
        var info = await catalog.CreateAsync(new WorldSpec("alpha") { QuotaBytes = 5_000_000, QuotaInodes = 500, Persona = "webserver" });
        Assert.Equal(("alpha", 5_000_000L, 500L, "webserver", 1L), (info.Name, info.QuotaBytes, info.QuotaInodes, info.Persona, info.UsedInodes));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - info.Created).TotalMinutes) < 5);
        await Assert.ThrowsAsync<WorldExistsException>(() => catalog.CreateAsync(new WorldSpec("alpha")));
        foreach (var bad in new[] { "", "Alpha", "-x", "a b", "a{b}", new string('a', 64) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => catalog.CreateAsync(new WorldSpec(bad)));
        }
        var lower = await catalog.CreateAsync(new WorldSpec("beta") { LowerDirectory = "/srv/lower" });
        Assert.Equal("/srv/lower", lower.LowerDirectory);
        var betaRoot = await catalog.Open("beta", "t").GetAttrAsync(Root).Ok();
        Assert.True(betaRoot.IsLazyDirectory);
        Assert.Equal("lower:", betaRoot.Origin);
        Assert.Contains(await catalog.ListAsync(), w => w.Name == "alpha");
        Assert.Contains(await catalog.ListAsync(), w => w.Name == "beta");

        var fs = catalog.Open("alpha", "t");
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var f = await fs.MknodAsync(d.Ino, "f", FileModes.S_IFREG | 0x1A4, 0, User).Ok();
        await fs.WriteAsync(f.Ino, 0, new byte[100_000], User).Ok();
        await fs.OpenAsync(f.Ino, User).Ok();
        Assert.Equal(3, (await catalog.GetAsync("alpha"))!.UsedInodes);
        Assert.Equal(100_000, (await catalog.GetAsync("alpha"))!.UsedBytes);
        var sessions = new SessionStore(redis.Redis);
        await sessions.CreateAsync(new SessionRecord("s1", "alpha", "root", "198.51.100.7", DateTimeOffset.UtcNow));

        await catalog.ResetAsync("alpha");
        var reset = (await catalog.GetAsync("alpha"))!;
        Assert.Equal((1L, 0L, 5_000_000L), (reset.UsedInodes, reset.UsedBytes, reset.QuotaBytes));
        Assert.Equal([".", ".."], (await fs.ListAsync(Root)).Select(e => e.Name));
        Assert.NotNull(await sessions.GetAsync("alpha", "s1"));
        await redis.AssertCleanAsync("alpha");
        // A reset world starts numbering again after the root.
        Assert.Equal(2u, (ulong)(await fs.MknodAsync(Root, "x", FileModes.S_IFREG | 0x1A4, 0, User).Ok()).Ino);

        Assert.True(await catalog.DeleteAsync("alpha"));
        Assert.False(await catalog.DeleteAsync("alpha"));
        Assert.Null(await catalog.GetAsync("alpha"));
        Assert.DoesNotContain(await catalog.ListAsync(), w => w.Name == "alpha");
        var server = redis.Redis.GetServers()[0];
        var left = 0;
        await foreach (var _ in server.KeysAsync(pattern: "chronos:{alpha}:*"))
        {
            left++;
        }
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task Sessions_are_stored_moved_and_ended()
    {
        await redis.Catalog.CreateAsync(new WorldSpec("sessions"));
        var store = new SessionStore(redis.Redis);
        var started = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);
        var record = new SessionRecord("abc", "sessions", "www-data", "203.0.113.5:51234", started)
        {
            Environment = new Dictionary<string, string> { ["TERM"] = "xterm", ["LANG"] = "C.UTF-8" },
        };
        await store.CreateAsync(record);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(record));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(record with { World = "no-such-world" }));
        await store.CreateAsync(record with { Id = "def", Started = started.AddMinutes(1) });
        await store.UpdateCwdAsync("sessions", "abc", "/var/www");
        var got = (await store.GetAsync("sessions", "abc"))!;
        Assert.Equal(("www-data", "203.0.113.5:51234", started, "/var/www"), (got.User, got.SourceAddress, got.Started, got.Cwd));
        Assert.Equal("xterm", got.Environment["TERM"]);
        Assert.Null(got.Ended);
        await store.EndAsync("sessions", "abc");
        Assert.NotNull((await store.GetAsync("sessions", "abc"))!.Ended);
        Assert.Equal(["abc", "def"], (await store.ListAsync("sessions")).Select(s => s.Id));
        Assert.Null(await store.GetAsync("sessions", "zzz"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.EndAsync("sessions", "zzz"));
        var events = await new Audit.AuditLog(redis.Redis).ReadAsync("sessions");
        Assert.Equal(["session_start", "session_start", "cwd", "session_end"], events.Where(e => e.Session is "abc" or "def").Select(e => e.Op));
    }
}
