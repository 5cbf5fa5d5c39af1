using System.Text.Json;
using Chronos.Persona.Planning;
using StackExchange.Redis;

namespace Chronos.Persona.Worlds;

/// <summary>Where a planted value was planted.</summary>
public sealed record HoneytokenMatch(string Value, string Kind, string Path, string Source);

/// <summary>
/// Every credential, key and URL planted in a world (chronos:{w}:honeytokens, value → where), so
/// the Gateway and the audit can tell a use of one: nobody outside the world has ever seen them.
/// </summary>
public sealed class HoneytokenRegistry(IConnectionMultiplexer redis)
{
    private readonly IDatabase _db = redis.GetDatabase();

    public async Task RecordAsync(string world, IEnumerable<PlantedToken> tokens, string source)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var entries = tokens
            .Where(t => t.Value.Length >= 6)
            .DistinctBy(t => t.Value)
            .Select(t => new HashEntry(t.Value, JsonSerializer.Serialize(new Stored(t.Kind, t.Path, source))))
            .ToArray();
        if (entries.Length == 0)
        {
            return;
        }
        // HSETNX semantics per value would need a script; the first place a value was planted is
        // what matters, and plans are deterministic, so a later identical write changes nothing.
        await _db.HashSetAsync(new PersonaKeys(world).Honeytokens, entries);
    }

    /// <summary>The planted token equal to <paramref name="value"/>, or null.</summary>
    public async Task<HoneytokenMatch?> MatchAsync(string world, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var stored = await _db.HashGetAsync(new PersonaKeys(world).Honeytokens, value);
        if (stored.IsNullOrEmpty)
        {
            return null;
        }
        var s = JsonSerializer.Deserialize<Stored>((string)stored!)!;
        return new HoneytokenMatch(value, s.Kind, s.Path, s.Source);
    }

    public async Task<IReadOnlyList<HoneytokenMatch>> ListAsync(string world) =>
        (await _db.HashGetAllAsync(new PersonaKeys(world).Honeytokens))
            .Select(e => (Value: (string)e.Name!, Stored: JsonSerializer.Deserialize<Stored>((string)e.Value!)!))
            .Select(e => new HoneytokenMatch(e.Value, e.Stored.Kind, e.Stored.Path, e.Stored.Source))
            .OrderBy(m => m.Path, StringComparer.Ordinal)
            .ToArray();

    private sealed record Stored(string Kind, string Path, string Source);
}
