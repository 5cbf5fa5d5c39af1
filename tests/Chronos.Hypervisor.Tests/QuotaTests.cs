using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>Quotas are enforced inside the scripts: a full world answers ENOSPC and stays consistent.</summary>
public sealed class QuotaTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task Inode_quota_gives_ENOSPC_and_frees_on_unlink()
    {
        var fs = await redis.NewWorldAsync(quotaInodes: 4);
        await fs.MknodAsync(Root, "a", File, 0, User).Ok();
        await fs.MkdirAsync(Root, "b", 0x1ED, User).Ok();
        await fs.SymlinkAsync(Root, "c", "/x", User).Ok();
        Assert.Equal(Errno.ENOSPC, await fs.MknodAsync(Root, "d", File, 0, User).Err());
        Assert.Equal(Errno.ENOSPC, await fs.MkdirAsync(Root, "d", 0x1ED, User).Err());
        Assert.Equal(Errno.EEXIST, await fs.MknodAsync(Root, "a", File, 0, User).Err());
        Assert.Equal(Errno.ENOSPC, await fs.PopulateDirectoryAsync(Root, [new DeclaredEntry { Name = "p", Mode = File, Mtime = default }], false, OpContext.System).Err());
        var stats = await fs.StatFsAsync().Ok();
        Assert.Equal(4, stats.TotalInodes);
        Assert.Equal(0, stats.FreeInodes);
        await fs.UnlinkAsync(Root, "a", User).Ok();
        await fs.MknodAsync(Root, "d", File, 0, User).Ok();
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Byte_quota_gives_ENOSPC_for_writes_xattrs_and_commits()
    {
        var fs = await redis.NewWorldAsync(quotaBytes: 100_000);
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.WriteAsync(f.Ino, 0, new byte[65536], User).Ok();
        Assert.Equal(Errno.ENOSPC, await fs.WriteAsync(f.Ino, 65536, new byte[40_000], User).Err());
        Assert.Equal(65536, (await fs.GetAttrAsync(f.Ino)).Ok().Size);
        await fs.WriteAsync(f.Ino, 65536, new byte[30_000], User).Ok();
        Assert.Equal(Errno.ENOSPC, await fs.SetXattrAsync(f.Ino, "user.big", new byte[10_000], XattrFlags.None, User).Err());
        // Holes cost nothing: a huge sparse size is fine.
        await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = 1L << 40 }, User).Ok();
        await fs.PopulateDirectoryAsync(Root, [new DeclaredEntry { Name = "g", Mode = File, Size = 10_000, Mtime = default, Content = ContentState.Ghost }], false, OpContext.System).Ok();
        var ghost = await fs.LookupAsync(Root, "g").Ok();
        Assert.Equal(Errno.ENOSPC, await fs.CommitContentAsync(ghost.Ino, new byte[10_000], OpContext.System).Err());
        var stats = await fs.StatFsAsync().Ok();
        Assert.Equal(100_000 / 4096, stats.TotalBlocks);
        Assert.True(stats.FreeBlocks <= 1);

        // Freeing bytes makes room again.
        await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = 0 }, User).Ok();
        Assert.True(await fs.CommitContentAsync(ghost.Ino, new byte[10_000], OpContext.System).Ok());
        await redis.AssertCleanAsync(fs.World);
    }
}
