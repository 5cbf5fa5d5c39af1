using System.Diagnostics;
using Chronos.Fuse.Service;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Fuse.Tests;

/// <summary>The Fuse service as Program.cs wires it (AddChronosHypervisor + AddChronosFuse), on a real
/// redis-server, mounting under a private root, reconciling requests every second.</summary>
public sealed class MountOnRequestService : IAsyncLifetime
{
    public const string HostId = "sensor-test";

    private IHost _host = null!;

    public RedisServer Redis { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public MountRequests Requests { get; private set; } = null!;

    public string MountRoot { get; } = Path.Combine(Path.GetTempPath(), "chronos-onreq-" + Guid.NewGuid().ToString("N")[..10]);

    internal WorldMountService Service => _host.Services.GetRequiredService<WorldMountService>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(MountRoot);
        Redis = await RedisServer.StartAsync();
        Connection = await Redis.ConnectAsync();
        Catalog = new WorldCatalog(Connection);
        Requests = new MountRequests(Connection, HostId);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = Redis.ConnectionString,
            ["Chronos:Fuse:Worlds:0"] = "configured",
            ["Chronos:Fuse:MountRoot"] = MountRoot,
            ["Chronos:Fuse:HostId"] = HostId,
            ["Chronos:Fuse:ReconcileInterval"] = "00:00:01",
        });
        builder.AddChronosHypervisor("redis");
        builder.AddChronosFuse();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public string MountPointOf(string world) => Path.Combine(MountRoot, world);

    public bool IsMounted(string world) => MountInfo.At(MountInfo.Read(), MountPointOf(world)) is { IsFuse: true };

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
        foreach (var line in MountInfo.Read().Where(e => e.MountPoint.StartsWith(MountRoot, StringComparison.Ordinal)).Reverse())
        {
            // Never leave a mount behind for the next run, whatever a failed test did.
            await ProcessRunner.BashAsync($"umount -l '{line.MountPoint}'", "/");
        }
        Directory.Delete(MountRoot, recursive: true);
    }
}

/// <summary>
/// Chronos.Fuse mounts the worlds the Gateway of its host requests (lease in Redis plus a pub/sub
/// notice), never creates one, unmounts an idle one when its lease lapses, and keeps a busy one.
/// </summary>
public sealed class MountOnRequestTests(MountOnRequestService fuse) : IClassFixture<MountOnRequestService>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task<string> NewWorldAsync()
    {
        var world = "r" + Guid.NewGuid().ToString("N")[..10];
        await fuse.Catalog.CreateAsync(new WorldSpec(world));
        return world;
    }

    private Task WaitAsync(Func<bool> condition, string what) =>
        Eventually.WaitAsync(() => Task.FromResult(condition()), done => done, Deadline, what);

    [Fact]
    public async Task A_requested_world_is_mounted_and_a_request_for_a_missing_world_creates_nothing()
    {
        var world = await NewWorldAsync();
        await fuse.Requests.RequestAsync("nosuch", TimeSpan.FromMinutes(5));
        await fuse.Requests.RequestAsync(world, TimeSpan.FromMinutes(5));

        await WaitAsync(() => fuse.IsMounted(world), "requested world mounted");
        await ProcessRunner.BashAsync("echo kept > note && cat note", fuse.MountPointOf(world));
        Assert.Equal("kept\n", (await ProcessRunner.BashAsync("cat note", fuse.MountPointOf(world))).EnsureSuccess().StandardOutput);

        // Both requests were seen by the pass that mounted the world: the missing one stays missing.
        Assert.Null(await fuse.Catalog.GetAsync("nosuch"));
        Assert.False(fuse.IsMounted("nosuch"));
        Assert.True(fuse.IsMounted("configured"), "configured worlds keep their behaviour");
        await fuse.Requests.ReleaseAsync("nosuch");
        await fuse.Requests.ReleaseAsync(world);
        await WaitAsync(() => !fuse.IsMounted(world), "released world unmounted");
    }

    [Fact]
    public async Task An_idle_mount_is_unmounted_when_its_lease_lapses_and_mounted_again_on_a_new_request()
    {
        var world = await NewWorldAsync();
        await fuse.Requests.RequestAsync(world, TimeSpan.FromSeconds(2));
        await WaitAsync(() => fuse.IsMounted(world), "requested world mounted");
        await ProcessRunner.BashAsync("echo first > f", fuse.MountPointOf(world));

        // The service forgets the mount right after the kernel lets go of it: wait for both.
        await WaitAsync(() => !fuse.IsMounted(world) && !fuse.Service.MountedOnRequest.Contains(world), "lapsed lease unmounts the idle world");
        Assert.True(fuse.IsMounted("configured"), "a configured world is never unmounted on request");

        await fuse.Requests.RequestAsync(world, TimeSpan.FromMinutes(5));
        await WaitAsync(() => fuse.IsMounted(world), "mounted again");
        Assert.Equal("first\n", (await ProcessRunner.BashAsync("cat f", fuse.MountPointOf(world))).EnsureSuccess().StandardOutput);
        await fuse.Requests.ReleaseAsync(world);
        await WaitAsync(() => !fuse.IsMounted(world), "released world unmounted");
    }

    [Theory]
    [InlineData("working directory")]
    [InlineData("other mount namespace")]
    public async Task A_busy_mount_stays_after_its_lease_lapses_and_goes_once_idle(string user)
    {
        var world = await NewWorldAsync();
        await fuse.Requests.RequestAsync(world, TimeSpan.FromSeconds(2));
        await WaitAsync(() => fuse.IsMounted(world), "requested world mounted");
        var mountPoint = fuse.MountPointOf(world);
        var elsewhere = Path.Combine(fuse.MountRoot, "bind-" + world);
        Directory.CreateDirectory(elsewhere);
        // What keeps a world busy: a shell sitting in it, or a sandbox that bound it as its root in a
        // mount namespace of its own (as bubblewrap does), where our unmount would not even fail.
        var start = user == "working directory"
            ? new ProcessStartInfo("sleep", ["600"]) { WorkingDirectory = mountPoint }
            : new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", "mount --bind \"$0\" \"$1\" && echo bound && exec sleep 600", mountPoint, elsewhere])
            {
                WorkingDirectory = "/",
                RedirectStandardOutput = true,
            };
        using var holder = Process.Start(start)!;
        try
        {
            if (start.RedirectStandardOutput)
            {
                Assert.Equal("bound", await holder.StandardOutput.ReadLineAsync());
            }
            // The service forgets a lapsed request at the end of the pass that considered unmounting it.
            await Eventually.WaitAsync(async () => await fuse.Connection.GetDatabase().SortedSetScoreAsync(Hypervisor.Keys.MountRequests(MountOnRequestService.HostId), world),
                score => score is null, Deadline, "a reconcile pass after the lease lapsed");
            Assert.True(fuse.IsMounted(world), "a busy mount stays");
            Assert.Contains(world, fuse.Service.MountedOnRequest);
            Assert.True(Directory.Exists(mountPoint), "and it is still served (not a dead connection)");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
        await WaitAsync(() => !fuse.IsMounted(world), "unmounted once idle");
        Directory.Delete(elsewhere);
    }

    [Fact]
    public async Task A_world_deleted_from_the_catalog_is_unmounted_even_while_requested()
    {
        var world = await NewWorldAsync();
        await fuse.Requests.RequestAsync(world, TimeSpan.FromMinutes(5));
        await WaitAsync(() => fuse.IsMounted(world), "requested world mounted");

        await fuse.Catalog.DeleteAsync(world);

        await WaitAsync(() => !fuse.IsMounted(world), "a deleted world is unmounted");
        await fuse.Requests.ReleaseAsync(world);
    }
}
