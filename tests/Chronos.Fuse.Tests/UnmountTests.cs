using System.Globalization;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.Tests;

/// <summary>A clean unmount leaves nothing of the mount behind in Redis.</summary>
public sealed class UnmountTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    [Fact]
    public async Task A_clean_unmount_releases_its_handles_so_an_open_unlinked_file_is_freed_at_once()
    {
        // A mount of its own (own client id); the fixture's mount opens nothing, so no other
        // client's handle lease can keep the orphan in limbo.
        var mountPoint = Path.Combine(world.Scratch, "leaving");
        var mount = await world.MountAsync(mountPoint);
        var path = Path.Combine(mountPoint, "open-then-unlinked");
        await File.WriteAllTextAsync(path, "still here");
        var ino = ulong.Parse((await world.ShAsync("stat -c %i open-then-unlinked", mountPoint)).Trim(), CultureInfo.InvariantCulture);
        var probe = world.Catalog.Open(world.World, "test:probe");
        using (var handle = File.OpenHandle(path))
        {
            // The unlink registers the open handle in Redis first, so the inode lives on as an orphan.
            File.Delete(path);
            Assert.True((await probe.GetAttrAsync(ino)).IsOk, "the open, unlinked inode is alive while open");
            await mount.UnmountAsync();
            Assert.Equal(Errno.ENOENT, (await probe.GetAttrAsync(ino)).Error);
        }
        var report = await world.Catalog.FsckAsync(world.World);
        Assert.True(report.Clean, report.ToString());
    }
}
