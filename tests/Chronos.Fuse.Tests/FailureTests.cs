using System.Diagnostics;
using Chronos.Hypervisor.Worlds;

namespace Chronos.Fuse.Tests;

/// <summary>Bad input gets the errno Linux gives.</summary>
public sealed class BadInputTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    [Fact]
    public async Task A_256_byte_name_is_ENAMETOOLONG_and_255_is_fine()
    {
        var output = await world.ShAsync("""
            touch "$(printf 'a%.0s' $(seq 255))" && echo ok255
            touch "$(printf 'b%.0s' $(seq 256))" 2>&1 || true
            mkdir "$(printf 'c%.0s' $(seq 256))" 2>&1 || true
            """);
        Assert.StartsWith("ok255\n", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("File name too long").Length - 1);
    }

    [Fact]
    public async Task Rmdir_of_a_non_empty_directory_is_ENOTEMPTY()
    {
        var output = await world.ShAsync("mkdir -p full/x && rmdir full 2>&1 || true; ls full");
        Assert.Equal("rmdir: failed to remove 'full': Directory not empty\nx\n", output);
    }
}
/// <summary>Redis going away mid-run: syscalls fail with EIO within seconds, and the mount works again when Redis is back.</summary>
public sealed class RedisDownTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    [Fact]
    public async Task Syscalls_fail_with_EIO_while_Redis_is_down_and_work_again_after()
    {
        await world.ShAsync("echo kept > kept");
        await world.Redis.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await world.BashAsync($"cd {world.MountPoint} 2>&1; touch {world.MountPoint}/fresh-name-1 2>&1; true", "/", TimeSpan.FromSeconds(60));
            clock.Stop();
            Assert.Contains("Input/output error", result.StandardOutput, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        }
        finally
        {
            await world.Redis.StartAsync();
        }
        await Eventually.WaitAsync(
            () => world.BashAsync($"cd {world.MountPoint} && touch back-again && cat kept", "/"),
            r => r.ExitCode == 0 && r.StandardOutput == "kept\n",
            TimeSpan.FromSeconds(30),
            "mount works again once Redis is back");
        var report = await world.Catalog.FsckAsync(world.World);
        Assert.True(report.Clean, report.ToString());
    }
}

/// <summary>
/// A full world in a class (and mount) of its own: space freed by an unlink comes back only when
/// the last handle's release reaches Redis, and other tests must not run in that window.
/// </summary>
public sealed class QuotaTests(QuotaTests.SmallWorld world) : IClassFixture<QuotaTests.SmallWorld>
{
    public sealed class SmallWorld : MountedWorld
    {
        protected override WorldSpec Spec => new(World) { QuotaBytes = 2 << 20 };
    }

    [Fact]
    public async Task Writing_past_the_world_quota_is_ENOSPC()
    {
        var output = await world.ShAsync("{ dd if=/dev/urandom of=filler bs=64k count=64 2>&1 || true; } | grep -o 'No space left on device' | head -1; rm -f filler; echo small > after; cat after");
        Assert.Equal("No space left on device\nsmall\n", output);
    }
}
