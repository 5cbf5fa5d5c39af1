using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Tests;

public sealed class WorldPlanTests
{
    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public void The_same_seed_gives_the_same_plan_and_another_seed_another(string persona)
    {
        var a = Describe(TestWorlds.Plan(persona, "w1"));
        var b = Describe(TestWorlds.Plan(persona, "w1"));
        var c = Describe(TestWorlds.Plan(persona, "w2"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public void Every_ghost_generates_offline_to_exactly_its_declared_size_and_deterministically(string persona)
    {
        var world = TestWorlds.Context(persona);
        var plan = TestWorlds.Plan(persona);
        var ghosts = plan.Nodes.Where(n => n.Entry.Content == ContentState.Ghost).ToList();
        Assert.NotEmpty(ghosts);
        foreach (var (path, entry) in ghosts)
        {
            Assert.True(GhostOrigin.TryParse(entry.Origin, out var origin), path);
            var request = new GhostRequest(world, origin, entry.Size, DateTimeOffset.FromUnixTimeSeconds(entry.Mtime.Seconds), entry.Uid, entry.Gid);
            var first = OfflineGenerator.Generate(request);
            Assert.True(first.Length == entry.Size, $"{path}: {first.Length} bytes for {entry.Size}");
            Assert.Equal(first, OfflineGenerator.Generate(request));
        }
    }

    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public void Times_lie_between_the_install_and_now(string persona)
    {
        var world = TestWorlds.Context(persona);
        foreach (var (path, entry) in TestWorlds.Plan(persona).Nodes)
        {
            var mtime = DateTimeOffset.FromUnixTimeSeconds(entry.Mtime.Seconds);
            Assert.True(mtime <= world.SeededAt, $"{path} mtime {mtime} after seeding");
            Assert.True(mtime >= world.InstalledAt.AddYears(-2), $"{path} mtime {mtime} long before the install");
        }
    }

    internal static string Describe(WorldPlan plan) => string.Join("\n", plan.Nodes.Select(n =>
        $"{n.Path} {n.Entry.Mode:x} {n.Entry.Uid}:{n.Entry.Gid} {n.Entry.Size} {n.Entry.Mtime} {n.Entry.Content} {n.Entry.Origin} {n.Entry.Target} {n.Entry.Lazy} {Convert.ToHexString(n.Entry.InlineContent.Span)}"));
}
