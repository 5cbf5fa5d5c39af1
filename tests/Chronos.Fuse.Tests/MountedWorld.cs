using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Fuse.Tests;

/// <summary>
/// A real redis-server (AOF on, so it can be stopped and started again), a world, and that world
/// mounted through the kernel under a unique temporary directory. Every mount made through the
/// fixture is unmounted on dispose, whatever happened in the test.
/// </summary>
public class MountedWorld : IAsyncLifetime
{
    private readonly List<WorldMount> _mounts = [];

    public RedisServer Redis { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public string World { get; } = "w" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A private temporary directory for this fixture (mount points, lower directories, scratch).</summary>
    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), "chronos-fuse-" + Guid.NewGuid().ToString("N")[..12]);

    public string MountPoint => Path.Combine(Scratch, "mnt");

    public WorldMount Mount { get; private set; } = null!;

    public ILoggerFactory Loggers { get; } = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    protected virtual WorldSpec Spec => new(World);

    protected virtual WorldMountOptions Options => new();

    /// <summary>Called before the world is created (e.g. to build a lower directory).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        await PrepareAsync();
        Redis = await RedisServer.StartAsync(appendOnly: true);
        Connection = await Redis.ConnectAsync();
        Catalog = new WorldCatalog(Connection);
        await Catalog.CreateAsync(Spec);
        Mount = await MountAsync(MountPoint);
    }

    /// <summary>Mounts the world (again, or a second time elsewhere) with a client id of its own per mount point.</summary>
    public async Task<WorldMount> MountAsync(string mountPoint, WorldMountOptions? options = null)
    {
        var world = Catalog.Open(World, "test:" + mountPoint);
        var mount = await WorldMount.MountAsync(world, mountPoint, options ?? Options, Connection, Loggers.CreateLogger("fuse"));
        _mounts.Add(mount);
        return mount;
    }

    /// <summary>Unmounts the fixture's main mount and mounts it again with a new engine.</summary>
    public async Task RemountAsync()
    {
        await Mount.UnmountAsync();
        Mount = await MountAsync(MountPoint);
    }

    /// <summary>Runs a bash script (set -euo pipefail) in <paramref name="directory"/> (default: the mount).</summary>
    public Task<ProcessResult> BashAsync(string script, string? directory = null, TimeSpan? timeout = null) =>
        ProcessRunner.BashAsync(script, directory ?? MountPoint, timeout ?? TimeSpan.FromMinutes(2));

    public async Task<string> ShAsync(string script, string? directory = null, TimeSpan? timeout = null) =>
        (await BashAsync(script, directory, timeout)).EnsureSuccess().StandardOutput;

    public async Task DisposeAsync()
    {
        foreach (var mount in _mounts)
        {
            try
            {
                await mount.UnmountAsync();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"unmount of {mount.MountPoint} failed: {ex.Message}");
            }
        }
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
        Loggers.Dispose();
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
