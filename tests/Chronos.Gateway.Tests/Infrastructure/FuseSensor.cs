using System.Diagnostics;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Tests.Sandbox;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// A sensor host as deployed: a real redis-server, the built Chronos.Fuse service as a child process
/// (mounting the base world, and others on request, under a private root), and Gateways started per
/// test over them with sandboxing on and a persistence policy. The base world is the small
/// <see cref="SandboxWorld"/> written through its mount, so every branch of it is a cheap copy.
/// </summary>
public sealed class FuseSensor : IAsyncLifetime
{
    public const string BaseWorld = "base";

    private ServiceProcess? _fuse;

    /// <summary>What the Fuse service logged (for failure messages).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> FuseLog => _fuse?.Output ?? new();

    public RedisServer Redis { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public AuditLog Audit { get; private set; } = null!;

    public ClientKeys Keys { get; private set; } = null!;

    public string HostId { get; } = "sensor-" + Guid.NewGuid().ToString("N")[..8];

    public string MountRoot { get; } = TempDirectory.Create("chronos-sensor");

    public string Transcripts { get; } = TempDirectory.Create("chronos-casts");

    public string MountPointOf(string world) => Path.Combine(MountRoot, world);

    public bool IsMounted(string world) => MountInfo.At(MountInfo.Read(), MountPointOf(world)) is { IsFuse: true };

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Connection = await Redis.ConnectAsync();
        Catalog = new WorldCatalog(Connection);
        Audit = new AuditLog(Connection);
        await Catalog.CreateAsync(new WorldSpec(BaseWorld) { QuotaBytes = 64L << 20, QuotaInodes = 10_000 });
        _fuse = StartFuse();
        await WaitUntilAsync(() => IsMounted(BaseWorld), TimeSpan.FromSeconds(120), "Chronos.Fuse mounted the base world");
        await SandboxWorld.SeedAsync(MountPointOf(BaseWorld), SandboxWorld.Shift);
        Keys = await ClientKeys.CreateAsync();
    }

    /// <summary>A Gateway over this sensor with the given persistence settings (Gateway:Persistence:*).</summary>
    public Task<GatewayServer> StartGatewayAsync(IDictionary<string, string?> persistence, string baseWorld = BaseWorld)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = Redis.ConnectionString,
            ["Gateway:Ssh:World"] = baseWorld,
            ["Gateway:Sandbox:Enabled"] = "true",
            ["Gateway:Sandbox:MountRoot"] = MountRoot,
            ["Gateway:Sandbox:HostId"] = HostId,
            ["Gateway:Sandbox:IdShift"] = SandboxWorld.Shift.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Sandbox:ReadOnlyBinds:0"] = "/usr",
            ["Gateway:Sandbox:TranscriptDirectory"] = Transcripts,
        };
        foreach (var (key, value) in persistence)
        {
            settings["Gateway:Persistence:" + key] = value;
        }
        var policy = new ListedCredentialsPolicy(new Dictionary<string, string> { ["root"] = "hunter2", ["alice"] = "wonderland" });
        // The real audit sink: events land in the worlds' audit streams in Redis, where analysts read them.
        return GatewayServer.StartAsync(policy: policy, withHandler: false, settings: settings, useRecordingAudit: false);
    }

    /// <summary>Runs a command over OpenSSH as <paramref name="user"/>, from <paramref name="source"/> (a loopback address).</summary>
    public Task<ProcessResult> SshAsync(GatewayServer gateway, string user, string command, string source = "127.0.0.1") =>
        OpenSsh.RunAsync(gateway.Port, command, user == "root" ? "hunter2" : "wonderland", user: user, keys: Keys,
            options: [$"BindAddress={source}"]);

    /// <summary>The ssh.world events of <paramref name="world"/>'s audit stream after the id <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<AuditEvent>> WorldEventsAsync(string world, string since = "0") =>
        [.. (await Audit.ReadAsync(world, since, count: 100_000)).Where(e => e.Op == SshAuditOps.WorldAssigned)];

    /// <summary>The id of the last event in <paramref name="world"/>'s audit stream (tests read what follows it).</summary>
    public async Task<string> LastAuditIdAsync(string world) =>
        (await Audit.ReadAsync(world, "0", count: 100_000)).LastOrDefault()?.Id ?? "0";

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), deadline, what);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{what}: not within {deadline}");
            }
            await tick.WaitForNextTickAsync();
        }
    }

    private ServiceProcess StartFuse() => ServiceProcess.Start("Chronos.Fuse", new Dictionary<string, string>
    {
        ["ConnectionStrings__redis"] = Redis.ConnectionString,
        ["Chronos__Fuse__Worlds__0"] = BaseWorld,
        ["Chronos__Fuse__MountRoot"] = MountRoot,
        ["Chronos__Fuse__HostId"] = HostId,
        ["Chronos__Fuse__UidShift"] = SandboxWorld.Shift.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Chronos__Fuse__ReconcileInterval"] = "00:00:01",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
    });

    public async Task DisposeAsync()
    {
        if (_fuse is not null)
        {
            // SIGTERM: the service unmounts every world it mounted, configured or requested.
            await _fuse.StopAsync(TimeSpan.FromSeconds(60));
            await _fuse.DisposeAsync();
        }
        foreach (var entry in MountInfo.Read().Where(e => e.MountPoint.StartsWith(MountRoot, StringComparison.Ordinal)).Reverse())
        {
            await ProcessRunner.RunAsync("umount", ["-l", entry.MountPoint]);
        }
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
        Directory.Delete(MountRoot, recursive: true);
        Directory.Delete(Transcripts, recursive: true);
    }
}
