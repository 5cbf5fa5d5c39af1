using System.Globalization;
using Chronos.Fuse;
using Chronos.Fuse.FileSystem;
using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Gateway.Tests.Sandbox;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>
/// The sensor node as deployed, with small limits so bombs hit them fast: a real redis-server, a
/// world with a 16 MiB quota layered on a host lower directory and mounted through Chronos.Fuse,
/// a Gateway sandboxing every session on that mount (64 processes, 64 MiB of memory per session),
/// a host directory bound read-only at /srv/ro, and a second, long-lived interactive session (the
/// watcher) that must keep answering while other sessions misbehave.
/// </summary>
public sealed class ContainedGateway : IAsyncLifetime
{
    public const int MaxProcesses = 64;
    public const long MemoryBytes = 64L << 20;
    public const long QuotaBytes = 16L << 20;

    private int _watcherMarkers;
    private WorldMount _mount = null!;
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), "chronos-contain-" + Guid.NewGuid().ToString("N")[..10]);

    public string World { get; } = "w" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The world's read-only lower layer on the host.</summary>
    public string Lower => Path.Combine(Scratch, "lower");

    /// <summary>A host directory every session sees read-only at /srv/ro.</summary>
    public string ReadOnlyHost => Path.Combine(Scratch, "ro");

    public string MountPoint => Path.Combine(Scratch, "worlds", World);

    public GatewayServer Server { get; private set; } = null!;

    public ClientKeys Keys { get; private set; } = null!;

    /// <summary>Logged in before any test runs; every test asks it to answer before, during and after.</summary>
    public OpenSshTerminal Watcher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Scratch, "worlds"));
        await SandboxWorld.SeedAsync(Lower, shift: 0);
        (await ProcessRunner.BashAsync($"""
            mkdir -p {Lower}/srv/ro {Lower}/srv/lower-dir {ReadOnlyHost}/sub
            echo lower-original > {Lower}/srv/lower-dir/file
            echo host-original > {ReadOnlyHost}/file
            head -c 4096 /dev/urandom > {ReadOnlyHost}/sub/blob
            """)).EnsureSuccess();
        SubordinateIds.Ensure(SandboxWorld.Shift, 65_536);

        _redis = await RedisServer.StartAsync();
        _connection = await _redis.ConnectAsync();
        var catalog = new WorldCatalog(_connection);
        await catalog.CreateAsync(new WorldSpec(World) { QuotaBytes = QuotaBytes, LowerDirectory = Lower });
        _mount = await WorldMount.MountAsync(catalog.Open(World, "gateway-tests"), MountPoint,
            new WorldMountOptions { FileSystem = new WorldFuseOptions { UidShift = SandboxWorld.Shift }, LowerDirectory = Lower },
            _connection, NullLogger.Instance);

        Keys = await ClientKeys.CreateAsync();
        var policy = new ListedCredentialsPolicy(new Dictionary<string, string> { ["root"] = "hunter2", ["alice"] = "wonderland" });
        Server = await GatewayServer.StartAsync(policy: policy, withHandler: false, settings: new Dictionary<string, string?>
        {
            ["Gateway:Ssh:World"] = World,
            ["Gateway:Sandbox:Enabled"] = "true",
            ["Gateway:Sandbox:MountRoot"] = Path.GetDirectoryName(MountPoint),
            ["Gateway:Sandbox:IdShift"] = SandboxWorld.Shift.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Sandbox:ReadOnlyBinds:0"] = "/usr",
            ["Gateway:Sandbox:ReadOnlyBinds:1"] = ReadOnlyHost + "=/srv/ro",
            ["Gateway:Sandbox:TranscriptDirectory"] = Path.Combine(Scratch, "casts"),
            ["Gateway:Sandbox:MaxProcesses"] = MaxProcesses.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Sandbox:MemoryBytes"] = MemoryBytes.ToString(CultureInfo.InvariantCulture),
        });
        Watcher = await OpenSshTerminal.LoginAsync(Server.Port, "root", "hunter2", Keys);
    }

    /// <summary>The watcher session answers a fresh question within a generous deadline.</summary>
    public async Task WatcherAnswersAsync()
    {
        var n = Interlocked.Increment(ref _watcherMarkers) + 1000;
        await Watcher.TypeAsync($"echo alive-$(({n}+1))\r");
        await Watcher.Screen.WaitForAsync($"alive-{n + 1}", timeout: TimeSpan.FromSeconds(90));
    }

    /// <summary>A new connection logs in and runs a command: the Gateway survived.</summary>
    public async Task AssertGatewayServesAsync()
    {
        var result = await OpenSsh.RunAsync(Server.Port, "echo ok", "hunter2", user: "root", keys: Keys);
        Assert.True(result.StandardOutput == "ok\n", $"exit {result.ExitCode}: {result.StandardOutput} {result.StandardError}");
    }

    /// <summary>Type, mode, owner, size, times and sha256 of everything under a host directory.</summary>
    public static async Task<string> FingerprintAsync(string directory) =>
        (await ProcessRunner.BashAsync("""
            find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort
            find . -type f -exec sha256sum {} + | sort -k2
            """, directory)).EnsureSuccess().StandardOutput;

    public async Task DisposeAsync()
    {
        await Watcher.DisposeAsync();
        await Server.DisposeAsync();
        await _mount.DisposeAsync();
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        await ProcessRunner.BashAsync($"rm -rf {Scratch} {Keys.Directory}");
    }
}
