using Chronos.Persona.Keys;
using Chronos.Persona.Model;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Tests;

/// <summary>Worlds built from the shipped personas at a fixed "now", with host keys generated once per test run.</summary>
internal static class TestWorlds
{
    public static readonly DateTimeOffset SeededAt = new(2026, 11, 23, 10, 41, 7, TimeSpan.Zero);

    private static readonly Lazy<PersonaCatalog> LazyCatalog = new(() => PersonaCatalog.Load());

    private static readonly Lazy<HostKeySet> LazyKeys = new(() => HostKeySet.Generate("test-host"));

    public static PersonaCatalog Catalog => LazyCatalog.Value;

    public static HostKeySet Keys => LazyKeys.Value;

    public static IEnumerable<object[]> PersonaNames => Catalog.All.Select(p => new object[] { p.Name });

    public static WorldContext Context(string persona, string world = "w1") =>
        new(Catalog.Get(persona), SeededRandom.WorldSeed(Catalog.Get(persona).SeedValue, world), SeededAt);

    public static WorldPlan Plan(string persona, string world = "w1") => WorldPlanner.Plan(Context(persona, world), Keys);
}
