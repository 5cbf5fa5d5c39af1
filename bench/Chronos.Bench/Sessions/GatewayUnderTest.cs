using System.Diagnostics;
using System.Globalization;
using Chronos.Fuse;
using Chronos.Fuse.FileSystem;
using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chronos.Bench.Sessions;

/// <summary>
/// The Chronos side of the sessions bench, in two child processes of the bench, apart as the
/// AppHost runs Chronos.Fuse and the Gateway: `sessions-world` (redis-server and the world on a
/// Chronos.Fuse mount; it prints "world MOUNTROOT REDIS") and `sessions-gateway` (SSH into
/// sandboxed bash on it; it prints "port N"), so that the Gateway's memory is its own and the
/// mount never waits for threads that a thousand SSH.NET clients in the bench's process hold
/// (at 1,000 sessions a mount in that process timed out on Redis: its pool was starved).
/// Each stops when its stdin closes.
/// </summary>
internal static class GatewayUnderTest
{
    public const string World = "bench";
    private const uint Shift = 100_000;

    /// <summary>
    /// The world: redis-server and the world mounted by Chronos.Fuse (ids shifted by 100000, as
    /// the AppHost mounts it). The Gateway must not share a process with the mount: it reads the
    /// world (passwd, home) with blocking calls from pool threads, and a mount in the same process
    /// needs those threads to answer.
    /// </summary>
    /// <param name="onFuse">False: the same files in a plain directory (tmpfs-like page cache), to tell the sandbox's cost from the mount's.</param>
    private static async Task<(RedisServer Redis, WorldMount? Mount, string MountRoot)> MountWorldAsync(string directory, ILoggerFactory loggers, bool onFuse)
    {
        var redis = await RedisServer.StartAsync();
        if (!onFuse)
        {
            var root = Path.Combine(directory, "worlds");
            Directory.CreateDirectory(Path.Combine(root, World));
            await SeedAsync(Path.Combine(root, World));
            return (redis, null, root);
        }
        var connection = await redis.ConnectAsync();
        var catalog = new WorldCatalog(connection);
        await catalog.CreateAsync(new WorldSpec(World) { QuotaBytes = 8L << 30, QuotaInodes = 10_000_000 });
        var mountRoot = Path.Combine(directory, "worlds");
        var mountPoint = Path.Combine(mountRoot, World);
        var mount = await WorldMount.MountAsync(
            catalog.Open(World, "bench:" + mountPoint), mountPoint,
            new WorldMountOptions { FileSystem = new WorldFuseOptions { UidShift = Shift } },
            connection, loggers.CreateLogger("fuse"), sessions: new CgroupSessionResolver());
        await SeedAsync(mountPoint);
        return (redis, mount, mountRoot);
    }

    /// <summary>`sessions-world DIR fuse|plain`: seeds and serves the world until stdin closes.</summary>
    public static async Task<int> RunWorldAsync(string[] args)
    {
        var (directory, onFuse) = (args[0], args[1] == "fuse");
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var (redis, mount, mountRoot) = await MountWorldAsync(directory, loggers, onFuse);
        await using (redis)
        {
            Console.WriteLine($"world {mountRoot} {redis.ConnectionString}");
            await Console.In.ReadToEndAsync();
            if (mount is not null)
            {
                await mount.UnmountAsync();
            }
        }
        return 0;
    }

    /// <summary>`sessions-gateway DIR MOUNTROOT REDIS`: runs the Gateway until stdin closes.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (directory, mountRoot, redis) = (args[0], args[1], args[2]);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // CHRONOS_BENCH_GATEWAY_LOG=Information (or another level) shows the Gateway's log on stderr.
        if (Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CHRONOS_BENCH_GATEWAY_LOG"), out var level))
        {
            builder.Logging.SetMinimumLevel(level)
                .AddSimpleConsole(console => console.TimestampFormat = "HH:mm:ss.fff ")
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis,
            ["Gateway:Ssh:Port"] = "0",
            ["Gateway:Ssh:ListenAddress"] = "127.0.0.1",
            ["Gateway:Ssh:HostKeyDirectory"] = Path.Combine(directory, "gateway-keys"),
            ["Gateway:Ssh:AuthenticationPolicy"] = "any",
            ["Gateway:Ssh:World"] = World,
            ["Gateway:Sandbox:Enabled"] = "true",
            // The world is mounted by this bench (or is a plain directory), not by a Chronos.Fuse service.
            ["Gateway:Sandbox:RequestMounts"] = "false",
            ["Gateway:Sandbox:MountRoot"] = mountRoot,
            ["Gateway:Sandbox:IdShift"] = Shift.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Sandbox:ReadOnlyBinds:0"] = "/usr",
            ["Gateway:Sandbox:TranscriptDirectory"] = Path.Combine(directory, "casts"),
        });
        builder.AddChronosGateway();
        using var host = builder.Build();
        await host.StartAsync();
        var port = (await host.Services.GetRequiredService<Gateway.Ssh.SshServer>().Listening).Port;
        Console.WriteLine($"port {port}");
        await Console.In.ReadToEndAsync();
        await host.StopAsync();
        return 0;
    }

    /// <summary>
    /// A minimal Debian root, owned as the persona sees it, with the host's /usr bound read-only
    /// and the host's shell start-up files, so bash starts the same way as under sshd.
    /// </summary>
    private static async Task SeedAsync(string root)
    {
        var watch = Stopwatch.StartNew();
        (await ProcessRunner.BashAsync(
            $"""
            r={root}
            mkdir -p $r/etc $r/root $r/tmp $r/proc $r/dev $r/usr $r/var/log
            ln -s usr/bin $r/bin; ln -s usr/lib $r/lib; ln -s usr/lib64 $r/lib64; ln -s usr/sbin $r/sbin
            printf 'root:x:0:0:root:/root:/bin/bash\n' > $r/etc/passwd
            printf 'root:x:0:\n' > $r/etc/group
            echo web01 > $r/etc/hostname
            cp /etc/profile /etc/bash.bashrc /etc/nsswitch.conf $r/etc/
            chown -R {Shift}:{Shift} $r
            chmod 700 $r/root; chmod 1777 $r/tmp
            """)).EnsureSuccess();
        Console.Error.WriteLine($"world seeded in {watch.ElapsedMilliseconds} ms");
    }
}
