using System.Diagnostics;
using System.Text;
using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// Handle leases: a client that registers its open handles after open returns (a FUSE mount
/// batching them) holds a lease, and while it runs no unlink by another client frees an inode
/// outright, so a handle opened just before the unlink and registered just after still reads.
/// </summary>
public sealed class HandleLeaseTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("still here\n");

    private async Task<(IWorldFileSystem Mount, IWorldFileSystem Other, string World, ulong Ino)> WorldWithFileAsync(long quotaInodes = 1_000_000)
    {
        var world = "lease" + Guid.NewGuid().ToString("N")[..8];
        var other = await redis.NewWorldAsync(quotaInodes: quotaInodes, name: world);
        var mount = redis.Catalog.Open(world, "mount-a");
        var file = await other.MknodAsync(Root, "f", FileModes.S_IFREG | 0x1A4, 0, User).Ok();
        await other.WriteAsync(file.Ino, 0, Content, User).Ok();
        return (mount, other, world, file.Ino);
    }

    [Fact]
    public async Task An_unlink_by_another_client_keeps_an_inode_a_lease_holder_may_have_open()
    {
        var (mount, other, world, ino) = await WorldWithFileAsync();
        Assert.True((await mount.LeaseHandlesAsync(TimeSpan.FromMinutes(1))).IsOk);
        // The lease holder opened the file without telling Redis yet; the other client unlinks it.
        await other.UnlinkAsync(Root, "f", User).Ok();
        var orphan = await mount.GetAttrAsync(ino).Ok();
        Assert.Equal(0u, orphan.Nlink);
        await redis.AssertCleanAsync(world);
        // The late registration finds the inode, and its bytes.
        await mount.OpenAsync(ino, User).Ok();
        Assert.Equal(Content, await mount.ReadAllAsync(ino));
        await mount.ReleaseAsync(ino, User).Ok();
        await redis.AssertCleanAsync(world);
    }

    [Fact]
    public async Task Without_a_lease_of_another_client_an_unlink_frees_at_once()
    {
        var (mount, other, world, ino) = await WorldWithFileAsync();
        // The unlinking client's own lease holds nothing back: it registers its handles before unlinking.
        Assert.True((await other.LeaseHandlesAsync(TimeSpan.FromMinutes(1))).IsOk);
        await other.UnlinkAsync(Root, "f", User).Ok();
        Assert.Equal(Errno.ENOENT, await mount.GetAttrAsync(ino).Err());
        Assert.Equal(1, (await redis.Catalog.GetAsync(world))!.UsedInodes);
        await redis.AssertCleanAsync(world);
    }

    [Fact]
    public async Task A_limbo_orphan_nobody_opened_is_freed_once_the_lease_ends()
    {
        var (mount, other, world, ino) = await WorldWithFileAsync();
        // Long enough that the unlink surely comes while it runs, even on a loaded machine
        // (300 ms was seen to lapse first), short enough that the test waits it out.
        Assert.True((await mount.LeaseHandlesAsync(TimeSpan.FromSeconds(5))).IsOk);
        await other.UnlinkAsync(Root, "f", User).Ok();
        Assert.True((await mount.GetAttrAsync(ino)).IsOk);
        // Any later release, lease or unlink reaps due limbo orphans; a third client restarting does.
        var third = redis.Catalog.Open(world, "third");
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while ((await mount.GetAttrAsync(ino)).IsOk)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "limbo orphan was not freed after its lease ended");
            await third.ReleaseAllHandlesAsync();
            await tick.WaitForNextTickAsync();
        }
        var info = (await redis.Catalog.GetAsync(world))!;
        Assert.Equal((1L, 0L), (info.UsedInodes, info.UsedBytes));
        await redis.AssertCleanAsync(world);
    }

    [Fact]
    public async Task The_last_release_by_another_client_waits_for_the_lease_too()
    {
        var (mount, other, world, ino) = await WorldWithFileAsync();
        await other.OpenAsync(ino, User).Ok();
        await other.UnlinkAsync(Root, "f", User).Ok();
        Assert.True((await mount.LeaseHandlesAsync(TimeSpan.FromMinutes(1))).IsOk);
        // The other client's handle was the only registered one: its release must not free the
        // inode the lease holder may have open unregistered.
        await other.ReleaseAsync(ino, User).Ok();
        await mount.OpenAsync(ino, User).Ok();
        Assert.Equal(Content, await mount.ReadAllAsync(ino));
        await mount.ReleaseAsync(ino, User).Ok();
        await redis.AssertCleanAsync(world);
    }

    [Fact]
    public async Task A_full_world_frees_limbo_orphans_of_a_lapsed_lease_to_make_room_for_a_create()
    {
        // Root and f fill the world. The mount that may hold f open crashes: its lease lapses and
        // nobody releases, unlinks or renews a lease any more; only creates come.
        var (mount, other, world, ino) = await WorldWithFileAsync(quotaInodes: 2);
        Assert.True((await mount.LeaseHandlesAsync(TimeSpan.FromSeconds(5))).IsOk);
        await other.UnlinkAsync(Root, "f", User).Ok();
        // In limbo, holding the quota (the lease surely still runs: see above).
        Assert.True((await other.GetAttrAsync(ino)).IsOk);
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        FsResult<InodeAttributes> created;
        while (!(created = await other.MknodAsync(Root, "g", FileModes.S_IFREG | 0x1A4, 0, User)).IsOk)
        {
            Assert.Equal(Errno.ENOSPC, created.Error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the create never freed the limbo orphan of the lapsed lease");
            await tick.WaitForNextTickAsync();
        }
        Assert.Equal(Errno.ENOENT, await other.GetAttrAsync(ino).Err());
        Assert.Equal(2, (await redis.Catalog.GetAsync(world))!.UsedInodes);
        await redis.AssertCleanAsync(world);
    }

    [Fact]
    public async Task A_full_world_keeps_a_limbo_orphan_while_its_lease_runs()
    {
        var (mount, other, world, ino) = await WorldWithFileAsync(quotaInodes: 2);
        Assert.True((await mount.LeaseHandlesAsync(TimeSpan.FromMinutes(5))).IsOk);
        await other.UnlinkAsync(Root, "f", User).Ok();
        Assert.Equal(Errno.ENOSPC, await other.MknodAsync(Root, "g", FileModes.S_IFREG | 0x1A4, 0, User).Err());
        // The lease holder's late registration still finds it.
        await mount.OpenAsync(ino, User).Ok();
        Assert.Equal(Content, await mount.ReadAllAsync(ino));
        await mount.ReleaseAsync(ino, User).Ok();
        await other.MknodAsync(Root, "g", FileModes.S_IFREG | 0x1A4, 0, User).Ok();
        await redis.AssertCleanAsync(world);
    }
}
