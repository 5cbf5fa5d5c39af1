using System.Collections.Concurrent;
using Chronos.Persona.Model;
using Chronos.Persona.Planning;
using StackExchange.Redis;

namespace Chronos.Persona.Worlds;

/// <summary>The <see cref="WorldContext"/> of each seeded world, rebuilt from its persona record and cached (it never changes).</summary>
public sealed class WorldContexts(IConnectionMultiplexer redis, PersonaCatalog personas)
{
    private readonly ConcurrentDictionary<string, WorldContext> _cache = new(StringComparer.Ordinal);
    private readonly IDatabase _db = redis.GetDatabase();

    public async Task<WorldContext> GetAsync(string world)
    {
        if (_cache.TryGetValue(world, out var cached))
        {
            return cached;
        }
        var record = await WorldRecord.ReadAsync(_db, world)
            ?? throw new InvalidOperationException($"world {world} was not seeded from a persona");
        var context = new WorldContext(personas.Get(record.Persona), record.WorldSeed, record.SeededAt);
        return _cache.GetOrAdd(world, context);
    }
}
