using System.Globalization;
using Chronos.Persona.Model;
using Chronos.Persona.Planning;
using StackExchange.Redis;

namespace Chronos.Persona.Worlds;

/// <summary>Which persona a world was seeded from, with its seed and "now": everything needed to rebuild its <see cref="WorldContext"/> in any process.</summary>
public sealed record WorldRecord(string Persona, ulong WorldSeed, DateTimeOffset SeededAt, bool Complete)
{
    public static async Task<WorldRecord?> ReadAsync(IDatabase db, string world)
    {
        var fields = (await db.HashGetAllAsync(new PersonaKeys(world).Record)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        if (!fields.TryGetValue("name", out var name) || !fields.TryGetValue("seed", out var seed) || !fields.TryGetValue("seeded", out var seeded))
        {
            return null;
        }
        return new WorldRecord(
            name,
            ulong.Parse(seed, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(seeded, CultureInfo.InvariantCulture)),
            fields.GetValueOrDefault("complete") == "1");
    }

    /// <summary>Claims the world for a persona (first claim wins); returns the record in force.</summary>
    public static async Task<WorldRecord> ClaimAsync(IDatabase db, string world, Model.Persona persona, DateTimeOffset now)
    {
        var keys = new PersonaKeys(world);
        var context = new WorldContext(persona, SeededRandom.WorldSeed(persona.SeedValue, world), now);
        // HSETNX on "name" decides the claim; the other fields are written only by the winner.
        if (await db.HashSetAsync(keys.Record, "name", persona.Name, When.NotExists))
        {
            await db.HashSetAsync(keys.Record,
            [
                new HashEntry("seed", context.WorldSeed.ToString("x16", CultureInfo.InvariantCulture)),
                new HashEntry("seeded", context.SeededAt.ToUnixTimeSeconds()),
                new HashEntry("booted", context.BootedAt.ToUnixTimeSeconds()),
            ]);
        }
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await ReadAsync(db, world) is { } record)
            {
                return record.Persona == persona.Name ? record : throw new PersonaException(persona.Name, [$"world {world} was seeded from persona {record.Persona}"]);
            }
            // Another process won the claim and has not written the seed yet.
            await Task.Yield();
        }
        throw new InvalidOperationException($"world {world}: persona record incomplete");
    }

    public static Task MarkCompleteAsync(IDatabase db, string world) => db.HashSetAsync(new PersonaKeys(world).Record, "complete", "1");
}
