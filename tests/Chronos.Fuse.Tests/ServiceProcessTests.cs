using System.Diagnostics;
using System.Net.Http;
using Chronos.Testing;

namespace Chronos.Fuse.Tests;

/// <summary>
/// The built Chronos.Fuse service as a child process: it mounts the fixture's world where it is
/// told, reports health, unmounts on SIGTERM, and after a SIGKILL (a crash that leaves a dead
/// mount behind) the next start clears the stale mount and serves again.
/// </summary>
public sealed class ServiceProcessTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    private sealed class Service(ServiceProcess process, int port) : IAsyncDisposable
    {
        public Process Process => process.Process;

        public int Port { get; } = port;

        public ValueTask DisposeAsync() => process.DisposeAsync();
    }

    private Service Start(string mountRoot)
    {
        var port = FreePort.Next();
        return new Service(ServiceProcess.Start("Chronos.Fuse", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = world.Redis.ConnectionString,
            ["Chronos__Fuse__Worlds__0"] = world.World,
            ["Chronos__Fuse__MountRoot"] = mountRoot,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        }), port);
    }

    private static async Task<string> HealthAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    [Fact]
    public async Task Service_mounts_the_world_reports_health_and_unmounts_on_sigterm_then_recovers_from_a_crash()
    {
        await world.ShAsync("mkdir -p from-test && echo before > from-test/f");
        var mountRoot = Path.Combine(world.Scratch, "service");
        var mountPoint = Path.Combine(mountRoot, world.World);
        try
        {
            await RunLifecycleAsync(mountRoot, mountPoint);
        }
        finally
        {
            // A failure half-way may leave a killed service's mount behind: never leave it to the next run.
            if (IsMounted(mountPoint))
            {
                await world.BashAsync($"umount -l {mountPoint}", "/");
            }
        }
    }

    private async Task RunLifecycleAsync(string mountRoot, string mountPoint)
    {
        await using (var service = Start(mountRoot))
        {
            await Eventually.WaitAsync(() => HealthAsync(service.Port), h => h == "200 Healthy", TimeSpan.FromSeconds(120), "service healthy");
            Assert.Equal("before\n", await world.ShAsync("cat from-test/f && echo after > from-service", mountPoint));
            await world.ShAsync($"kill -TERM {service.Process.Id}", "/");
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await service.Process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, service.Process.ExitCode);
            Assert.False(IsMounted(mountPoint), "SIGTERM unmounts");
        }

        await using (var crashed = Start(mountRoot))
        {
            await Eventually.WaitAsync(() => HealthAsync(crashed.Port), h => h == "200 Healthy", TimeSpan.FromSeconds(120), "service healthy again");
            crashed.Process.Kill();
            await crashed.Process.WaitForExitAsync();
        }
        Assert.True(IsMounted(mountPoint), "a crash leaves the mount behind");
        Assert.Contains("not connected", (await world.BashAsync($"ls {mountPoint} 2>&1", "/")).StandardOutput, StringComparison.Ordinal);

        await using (var recovered = Start(mountRoot))
        {
            await Eventually.WaitAsync(() => HealthAsync(recovered.Port), h => h == "200 Healthy", TimeSpan.FromSeconds(120), "service recovers the stale mount");
            Assert.Equal("after\n", await world.ShAsync("cat from-service", mountPoint));
            await world.ShAsync($"kill -TERM {recovered.Process.Id}", "/");
            await recovered.Process.WaitForExitAsync();
        }
        Assert.Equal("after\n", await world.ShAsync("cat from-service"));
        var report = await world.Catalog.FsckAsync(world.World);
        Assert.True(report.Clean, report.ToString());
    }

    private static bool IsMounted(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == mountPoint);
}
