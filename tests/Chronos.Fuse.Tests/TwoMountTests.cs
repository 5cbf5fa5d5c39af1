using Chronos.Fuse.FileSystem;

namespace Chronos.Fuse.Tests;

/// <summary>
/// Two mounts of one world (two sensor nodes). The kernel timeouts are set to a minute here, so
/// anything the second mount sees within the deadline came from the change notices published
/// through Redis, not from a cache expiring.
/// </summary>
public sealed class TwoMountTests(TwoMountTests.LongCacheWorld world) : IClassFixture<TwoMountTests.LongCacheWorld>
{
    private static readonly WorldMountOptions LongCache = new()
    {
        FileSystem = new WorldFuseOptions { EntryTimeoutSeconds = 60, AttrTimeoutSeconds = 60 },
    };

    public sealed class LongCacheWorld : MountedWorld
    {
        protected override WorldMountOptions Options => LongCache;
    }

    private async Task<string> SecondMountAsync()
    {
        var second = Path.Combine(world.Scratch, "second-" + Guid.NewGuid().ToString("N")[..6]);
        await world.MountAsync(second, LongCache);
        return second;
    }

    [Fact]
    public async Task A_file_created_in_one_mount_is_listed_and_opened_in_the_other()
    {
        var second = await SecondMountAsync();
        // Make the second mount cache "no such file" first.
        Assert.Equal("absent\n", await world.ShAsync("[ -e new-file ] || echo absent", second));
        await world.ShAsync("echo from-first > new-file");
        Assert.Contains("new-file", await world.ShAsync("ls", second), StringComparison.Ordinal);
        await Eventually.WaitAsync(
            () => world.BashAsync("cat new-file", second),
            r => r.ExitCode == 0 && r.StandardOutput == "from-first\n",
            TimeSpan.FromSeconds(10),
            "second mount opens the new file");
    }

    [Fact]
    public async Task A_listing_cached_by_the_other_mount_follows_creates_and_unlinks()
    {
        // Directory listings stay in the kernel's cache between opendirs (cache_readdir): only the
        // change feed can tell the second mount that the listing it holds is stale.
        var second = await SecondMountAsync();
        await world.ShAsync("mkdir -p listed && touch listed/a");
        Assert.Equal("a\n", await world.ShAsync("ls listed", second));
        Assert.Equal("a\n", await world.ShAsync("ls listed", second));
        await world.ShAsync("touch listed/b");
        await Eventually.WaitAsync(
            () => world.ShAsync("ls listed", second),
            s => s == "a\nb\n",
            TimeSpan.FromSeconds(10),
            "second mount lists the new file");
        await world.ShAsync("rm listed/a");
        await Eventually.WaitAsync(
            () => world.ShAsync("ls listed", second),
            s => s == "b\n",
            TimeSpan.FromSeconds(10),
            "second mount stops listing the unlinked file");
        // And in the mount that made the changes, at once.
        Assert.Equal("b\n", await world.ShAsync("ls listed"));
        await world.ShAsync("mv listed/b listed/c");
        Assert.Equal("c\n", await world.ShAsync("ls listed"));
    }

    [Fact]
    public async Task A_change_in_one_mount_invalidates_the_other_mounts_cache()
    {
        var second = await SecondMountAsync();
        await world.ShAsync("echo v1 > shared");
        Assert.Equal("3 v1\n", await world.ShAsync("echo \"$(stat -c %s shared) $(cat shared)\"", second));
        await world.ShAsync("echo version-two > shared");
        await Eventually.WaitAsync(
            () => world.ShAsync("echo \"$(stat -c %s shared) $(cat shared)\"", second),
            s => s == "12 version-two\n",
            TimeSpan.FromSeconds(10),
            "second mount sees the new size and bytes");
        await world.ShAsync("rm shared");
        await Eventually.WaitAsync(
            () => world.ShAsync("[ -e shared ] && echo present || echo gone", second),
            s => s == "gone\n",
            TimeSpan.FromSeconds(10),
            "second mount sees the unlink");
    }

    [Fact]
    public async Task A_file_open_in_one_mount_stays_readable_when_the_other_mount_unlinks_it_at_once()
    {
        var second = await SecondMountAsync();
        // Created through the second mount, so the first has none of the pages cached: its reads
        // below reach Redis. Each open is followed by the unlink within milliseconds, well inside
        // the time the first mount takes to register the handle in Redis.
        await world.ShAsync("for i in $(seq 1 10); do echo content-$i > open-$i; done", second);
        var output = await world.ShAsync($$"""
            for i in $(seq 1 10); do
              stat -c %s open-$i > /dev/null
              exec 3< open-$i
              rm {{second}}/open-$i
              cat <&3
              exec 3<&-
            done
            """);
        Assert.Equal(string.Concat(Enumerable.Range(1, 10).Select(i => $"content-{i}\n")), output);
    }
}
