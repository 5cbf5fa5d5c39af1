using Chronos.Gateway.Sessions;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>
/// Issue 6, end to end: OpenSSH logs in to a sandboxed Gateway over a real Chronos.Fuse, leaves a
/// file, logs out and in again. Under each persistence policy the returning attacker finds what it
/// left (shared, per attacker) or a fresh world (per session); another attacker and the base world
/// see only what the policy lets them see; the base world's audit stream names the assigned world.
/// </summary>
public sealed class PersistenceTests(FuseSensor sensor) : IClassFixture<FuseSensor>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Marker() => "/tmp/left-" + Guid.NewGuid().ToString("N")[..8];

    private static string Probe(string marker) => $"test -e {marker} && echo found || echo absent";

    private async Task<string> RunAsync(GatewayServer gateway, string user, string command, string source = "127.0.0.1")
    {
        var result = await sensor.SshAsync(gateway, user, command, source);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    private bool InBase(string marker) => File.Exists(Path.Combine(sensor.MountPointOf(FuseSensor.BaseWorld), marker.TrimStart('/')));

    /// <summary>The worlds the base world's audit stream says <paramref name="user"/>'s sessions were assigned
    /// after the audit id <paramref name="since"/>, in order.</summary>
    private async Task<IReadOnlyList<string>> AssignedWorldsAsync(string user, string since) =>
        [.. (await sensor.WorldEventsAsync(FuseSensor.BaseWorld, since)).Where(e => e.Extra["user"] == user && e.Extra.ContainsKey("world")).Select(e => e.Extra["world"])];

    [Fact]
    public async Task Shared_every_login_and_every_attacker_sees_what_was_left_in_the_base_world()
    {
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "Shared" });
        var marker = Marker();
        var since = await sensor.LastAuditIdAsync(FuseSensor.BaseWorld);

        Assert.Equal("found", await RunAsync(gateway, "root", $"touch {marker} && {Probe(marker)}"));
        Assert.Equal("found", await RunAsync(gateway, "root", Probe(marker)));
        Assert.Equal("found", await RunAsync(gateway, "alice", Probe(marker)));
        Assert.True(InBase(marker));
        var events = await sensor.WorldEventsAsync(FuseSensor.BaseWorld, since);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.True(e.Extra["world"] == FuseSensor.BaseWorld && e.Extra["policy"] == "Shared"));
    }

    [Fact]
    public async Task Per_attacker_by_credentials_the_attacker_finds_its_file_and_nobody_else_does()
    {
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "PerAttacker" });
        var marker = Marker();
        var since = await sensor.LastAuditIdAsync(FuseSensor.BaseWorld);

        Assert.Equal("found", await RunAsync(gateway, "root", $"echo mine > {marker} && {Probe(marker)}"));
        Assert.Equal("mine", await RunAsync(gateway, "root", $"cat {marker}"));
        Assert.Equal("absent", await RunAsync(gateway, "alice", Probe(marker)));
        Assert.False(InBase(marker), "the base world stays a clean template");

        var rootWorlds = await AssignedWorldsAsync("root", since);
        Assert.Equal(2, rootWorlds.Count);
        Assert.Equal(rootWorlds[0], rootWorlds[1]);
        Assert.StartsWith(FuseSensor.BaseWorld + "-a-", rootWorlds[0], StringComparison.Ordinal);
        Assert.NotEqual(rootWorlds[0], Assert.Single(await AssignedWorldsAsync("alice", since)));
        // The branch's own stream records the session too, so an analyst can start from either side.
        Assert.Contains(await sensor.WorldEventsAsync(rootWorlds[0]), e => e.Extra["base_world"] == FuseSensor.BaseWorld && e.Extra["user"] == "root");
        Assert.Contains(await sensor.Audit.ReadAsync(rootWorlds[0]), e => e.Op == SandboxSessionHandler.CommandOp || e.Op == "ssh.session");
    }

    [Fact]
    public async Task Per_attacker_by_address_another_source_address_gets_another_world()
    {
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "PerAttacker", ["AttackerKey"] = "Address" });
        var marker = Marker();
        var since = await sensor.LastAuditIdAsync(FuseSensor.BaseWorld);

        Assert.Equal("found", await RunAsync(gateway, "root", $"touch {marker} && {Probe(marker)}", source: "127.0.0.1"));
        // Same address, other credentials: the same attacker under this key.
        Assert.Equal("found", await RunAsync(gateway, "alice", Probe(marker), source: "127.0.0.1"));
        Assert.Equal("absent", await RunAsync(gateway, "root", Probe(marker), source: "127.0.0.2"));
        Assert.False(InBase(marker));

        var rootWorlds = await AssignedWorldsAsync("root", since);
        Assert.Equal(2, rootWorlds.Count);
        Assert.NotEqual(rootWorlds[0], rootWorlds[1]);
        Assert.Equal(rootWorlds[0], Assert.Single(await AssignedWorldsAsync("alice", since)));
    }

    [Fact]
    public async Task Per_session_each_login_gets_a_fresh_branch_that_stays_for_forensics()
    {
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "PerSession" });
        var marker = Marker();
        var since = await sensor.LastAuditIdAsync(FuseSensor.BaseWorld);

        Assert.Equal("found", await RunAsync(gateway, "root", $"touch {marker} && {Probe(marker)}"));
        Assert.Equal("absent", await RunAsync(gateway, "root", Probe(marker)));
        Assert.False(InBase(marker));

        var worlds = await AssignedWorldsAsync("root", since);
        Assert.Equal(2, worlds.Count);
        Assert.NotEqual(worlds[0], worlds[1]);
        Assert.All(worlds, w => Assert.StartsWith(FuseSensor.BaseWorld + "-s-", w, StringComparison.Ordinal));
        // Without DeletePerSessionWorlds the first session's world is kept, with what it left.
        Assert.NotNull(await sensor.Catalog.GetAsync(worlds[0]));
    }

    [Fact]
    public async Task Per_session_with_deletion_the_world_is_unmounted_first_then_deleted()
    {
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "PerSession", ["DeletePerSessionWorlds"] = "true" });
        var since = await sensor.LastAuditIdAsync(FuseSensor.BaseWorld);

        Assert.Equal("web01", await RunAsync(gateway, "alice", "touch /tmp/x && hostname"));

        var world = Assert.Single(await AssignedWorldsAsync("alice", since));
        await FuseSensor.WaitUntilAsync(async () => await sensor.Catalog.GetAsync(world) is null, Deadline, "per-session world deleted after logout");
        Assert.False(sensor.IsMounted(world), "a deleted world is never left mounted");
        Assert.NotNull(await sensor.Catalog.GetAsync(FuseSensor.BaseWorld));
    }

    [Fact]
    public async Task A_world_that_cannot_be_set_up_fails_the_login_and_nothing_runs()
    {
        // The base world does not exist: no branch can be made, and the session must not run anywhere else.
        await using var gateway = await sensor.StartGatewayAsync(new Dictionary<string, string?> { ["Policy"] = "PerAttacker" }, baseWorld: "missing");

        var result = await sensor.SshAsync(gateway, "root", "touch /tmp/should-not-exist; echo ran");

        Assert.Equal(255, result.ExitCode);
        Assert.DoesNotContain("ran", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(await sensor.Catalog.ListAsync(), w => w.Name.StartsWith("missing", StringComparison.Ordinal));
    }
}
