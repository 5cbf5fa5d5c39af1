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
/// `sessions-gateway DIR`: the Chronos side of the sessions bench, in a process of its own so
/// its memory is the server's alone: redis-server, the world mounted by Chronos.Fuse (ids
/// shifted by 100000, as the AppHost mounts it) and the Gateway serving SSH into sandboxed
/// bash on that mount. Prints "port N" when ready; stops when its stdin closes.
/// </summary>
internal static class GatewayUnderTest
{
    public const string World = "bench";
    private const uint Shift = 100_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var directory = args[0];
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await redis.ConnectAsync();
        var catalog = new WorldCatalog(connection);
        await catalog.CreateAsync(new WorldSpec(World) { QuotaBytes = 8L << 30, QuotaInodes = 10_000_000 });
        var mountRoot = Path.Combine(directory, "worlds");
        var mountPoint = Path.Combine(mountRoot, World);
        var mount = await WorldMount.MountAsync(
            catalog.Open(World, "bench:" + mountPoint), mountPoint,
            new WorldMountOptions { FileSystem = new WorldFuseOptions { UidShift = Shift } },
            connection, loggers.CreateLogger("fuse"), sessions: new CgroupSessionResolver());
        try
        {
            await SeedAsync(mountPoint);
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redis.ConnectionString,
                ["Gateway:Ssh:Port"] = "0",
                ["Gateway:Ssh:ListenAddress"] = "127.0.0.1",
                ["Gateway:Ssh:HostKeyDirectory"] = Path.Combine(directory, "gateway-keys"),
                ["Gateway:Ssh:AuthenticationPolicy"] = "any",
                ["Gateway:Ssh:World"] = World,
                ["Gateway:Sandbox:Enabled"] = "true",
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
        }
        finally
        {
            await mount.UnmountAsync();
        }
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
