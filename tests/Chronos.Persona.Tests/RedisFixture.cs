using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Persona.Tests;

/// <summary>One real redis-server per test class; each test seeds its own world in it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private int _worlds;

    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public HoneytokenRegistry Honeytokens { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Redis = await Server.ConnectAsync();
        Catalog = new WorldCatalog(Redis);
        Honeytokens = new HoneytokenRegistry(Redis);
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }

    public string NextWorldName(string prefix = "w") => prefix + Interlocked.Increment(ref _worlds);

    public async Task<IWorldFileSystem> NewWorldAsync(string? name = null)
    {
        name ??= NextWorldName();
        await Catalog.CreateAsync(new WorldSpec(name));
        return Catalog.Open(name, "test");
    }

    /// <summary>A new world seeded from the persona at the tests' fixed "now".</summary>
    public async Task<IWorldFileSystem> SeededWorldAsync(string persona, string? name = null)
    {
        var world = await NewWorldAsync(name);
        await new WorldSeeder(Redis, Honeytokens).SeedAsync(world, TestWorlds.Catalog.Get(persona), new SeedOptions { Now = TestWorlds.SeededAt });
        return world;
    }
}
