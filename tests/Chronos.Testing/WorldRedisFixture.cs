using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using StackExchange.Redis;
using Xunit;

namespace Chronos.Testing;

/// <summary>One real redis-server per test class, with a world catalog over it; each test makes its own worlds.</summary>
public class WorldRedisFixture : IAsyncLifetime
{
    private int _worlds;

    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Redis = await Server.ConnectAsync();
        Catalog = new WorldCatalog(Redis);
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>A fresh world with a unique name, and its filesystem as client "test".</summary>
    public async Task<IWorldFileSystem> NewWorldAsync(long quotaBytes = 1L << 30, long quotaInodes = 1_000_000, string? name = null)
    {
        name ??= "w" + Interlocked.Increment(ref _worlds);
        await Catalog.CreateAsync(new WorldSpec(name) { QuotaBytes = quotaBytes, QuotaInodes = quotaInodes });
        return Catalog.Open(name, "test");
    }

    public async Task AssertCleanAsync(string world)
    {
        var report = await Catalog.FsckAsync(world);
        Assert.True(report.Clean, report.ToString());
    }
}
