using Chronos.Hypervisor.FileSystem;
using StackExchange.Redis;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>Many clients (separate connections and client ids) racing on the same names.</summary>
public sealed class ConcurrencyTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task Exactly_one_of_64_racing_creates_wins()
    {
        var fs = await redis.NewWorldAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Task.Run(async () => await fs.MknodAsync(Root, "race", File, 0, new OpContext("s" + i, (uint)i, 0)))));
        Assert.Single(results, r => r.IsOk);
        Assert.Equal(63, results.Count(r => r.Error == Errno.EEXIST));
        var winner = results.Single(r => r.IsOk).Value;
        Assert.Equal(winner.Ino, (await fs.LookupAsync(Root, "race").Ok()).Ino);
        Assert.Equal(1u, (await fs.GetAttrAsync(winner.Ino)).Ok().Nlink);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Racing_writes_into_one_chunk_lose_no_update()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "shared", File, 0, User).Ok();
        // 32 writers, each its own 1 KiB of the same 64 KiB chunk: every write must read the others'
        // bytes (compare-and-set), so a lost update would leave zeros.
        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            var data = Enumerable.Repeat((byte)(i + 1), 1024).ToArray();
            Assert.Equal(1024, await fs.WriteAsync(f.Ino, i * 2048L + 100, data, User).Ok());
        })));
        var content = await fs.ReadAllAsync(f.Ino);
        for (var i = 0; i < 32; i++)
        {
            Assert.All(content.AsSpan((int)(i * 2048L + 100), 1024).ToArray(), b => Assert.Equal(i + 1, b));
        }
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Sixteen_clients_racing_on_a_small_namespace_leave_a_consistent_world()
    {
        var world = (await redis.NewWorldAsync()).World;
        var connections = new List<ConnectionMultiplexer>();
        var steps = 0;
        try
        {
            for (var i = 0; i < 4; i++)
            {
                connections.Add(await redis.Server.ConnectAsync());
            }
            var dirs = new[] { "a", "b", "c" };
            var setup = redis.Catalog.Open(world, "setup");
            foreach (var d in dirs)
            {
                await setup.MkdirAsync(Root, d, 0x1ED, User).Ok();
            }
            await Task.WhenAll(Enumerable.Range(0, 16).Select(client => Task.Run(async () =>
            {
                var catalog = new Worlds.WorldCatalog(connections[client % connections.Count]);
                var fs = catalog.Open(world, "client-" + client);
                var random = new Random(client);
                var ctx = new OpContext("race-" + client, 0, 0);
                for (var step = 0; step < 300; step++)
                {
                    Interlocked.Increment(ref steps);
                    var dir = await fs.LookupAsync(Root, dirs[random.Next(3)]);
                    var other = await fs.LookupAsync(Root, dirs[random.Next(3)]);
                    if (!dir.IsOk || !other.IsOk)
                    {
                        continue;
                    }
                    var name = "n" + random.Next(4);
                    var otherName = "n" + random.Next(4);
                    switch (random.Next(9))
                    {
                        case 0:
                            await fs.MknodAsync(dir.Value.Ino, name, File, 0, ctx);
                            break;
                        case 1:
                            await fs.MkdirAsync(dir.Value.Ino, name, 0x1ED, ctx);
                            break;
                        case 2:
                            await fs.UnlinkAsync(dir.Value.Ino, name, ctx);
                            break;
                        case 3:
                            await fs.RmdirAsync(dir.Value.Ino, name, ctx);
                            break;
                        case 4:
                            await fs.RenameAsync(dir.Value.Ino, name, other.Value.Ino, otherName, (RenameFlags)random.Next(3), ctx);
                            break;
                        case 5:
                            var target = await fs.LookupAsync(dir.Value.Ino, name);
                            if (target.IsOk)
                            {
                                await fs.LinkAsync(target.Value.Ino, other.Value.Ino, otherName, ctx);
                            }
                            break;
                        case 6:
                        case 7:
                            var file = await fs.LookupAsync(dir.Value.Ino, name);
                            if (file.IsOk)
                            {
                                var data = new byte[random.Next(1, 100_000)];
                                random.NextBytes(data);
                                await fs.WriteAsync(file.Value.Ino, random.Next(0, 100_000), data, ctx);
                            }
                            break;
                        default:
                            var open = await fs.LookupAsync(dir.Value.Ino, name);
                            if (open.IsOk && (await fs.OpenAsync(open.Value.Ino, ctx)).IsOk)
                            {
                                await fs.UnlinkAsync(dir.Value.Ino, name, ctx);
                                await fs.SetAttrAsync(open.Value.Ino, new SetAttrRequest { Size = random.Next(0, 200_000) }, ctx);
                                await fs.ReleaseAsync(open.Value.Ino, ctx);
                            }
                            break;
                    }
                }
            })));
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
        Assert.Equal(16 * 300, steps);
        await redis.AssertCleanAsync(world);

        // Serial-order check on the result: every name resolves to one live inode whose link count
        // equals the names that reach it (fsck checked the same from the raw keys).
        var fs = redis.Catalog.Open(world, "check");
        var names = new Dictionary<ulong, int>();
        foreach (var d in new[] { "a", "b", "c" })
        {
            var dir = await fs.LookupAsync(Root, d);
            if (!dir.IsOk)
            {
                continue;
            }
            foreach (var e in (await fs.ListAsync(dir.Value.Ino)).Where(e => e.Name is not ("." or "..")))
            {
                var attributes = await fs.LookupAsync(dir.Value.Ino, e.Name).Ok();
                Assert.Equal(e.Ino, attributes.Ino);
                if (attributes.Kind != FileKind.Directory)
                {
                    names[e.Ino] = names.GetValueOrDefault(e.Ino) + 1;
                }
            }
        }
        foreach (var (ino, count) in names)
        {
            Assert.Equal((uint)count, (await fs.GetAttrAsync(ino)).Ok().Nlink);
        }
    }
}
