using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>Every errno the issue lists, each from the verb and situation Linux gives it for.</summary>
public sealed class ErrnoTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task ENOENT_for_missing_entries_parents_and_inodes()
    {
        var fs = await redis.NewWorldAsync();
        Assert.Equal(Errno.ENOENT, await fs.LookupAsync(Root, "nope").Err());
        Assert.Equal(Errno.ENOENT, await fs.GetAttrAsync(999).Err());
        Assert.Equal(Errno.ENOENT, await fs.UnlinkAsync(Root, "nope", User).Err());
        Assert.Equal(Errno.ENOENT, await fs.RmdirAsync(Root, "nope", User).Err());
        Assert.Equal(Errno.ENOENT, await fs.RenameAsync(Root, "nope", Root, "x", RenameFlags.None, User).Err());
        Assert.Equal(Errno.ENOENT, await fs.MknodAsync(999, "x", File, 0, User).Err());
        Assert.Equal(Errno.ENOENT, await fs.ReadDirAsync(999, 0, 10, false).Err());
        Assert.Equal(Errno.ENOENT, await fs.ReadAsync(999, 0, new byte[10]).Err());
        Assert.Equal(Errno.ENOENT, await fs.WriteAsync(999, 0, new byte[10], User).Err());
        Assert.Equal(Errno.ENOENT, await fs.SymlinkAsync(Root, "l", "", User).Err());
        var a = await fs.MknodAsync(Root, "a", File, 0, User).Ok();
        Assert.Equal(Errno.ENOENT, await fs.LinkAsync(999, Root, "b", User).Err());
        // Exchange needs both names.
        Assert.Equal(Errno.ENOENT, await fs.RenameAsync(Root, "a", Root, "b", RenameFlags.Exchange, User).Err());
        // A removed directory takes no new entries.
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        await fs.OpenAsync(d.Ino, User).Ok();
        await fs.RmdirAsync(Root, "d", User).Ok();
        Assert.Equal(Errno.ENOENT, await fs.MknodAsync(d.Ino, "x", File, 0, User).Err());
        await fs.ReleaseAsync(d.Ino, User).Ok();
        Assert.True(a.Ino > 1);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task EEXIST_for_taken_names()
    {
        var fs = await redis.NewWorldAsync();
        var a = await fs.MknodAsync(Root, "a", File, 0, User).Ok();
        await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        Assert.Equal(Errno.EEXIST, await fs.MknodAsync(Root, "a", File, 0, User).Err());
        Assert.Equal(Errno.EEXIST, await fs.MkdirAsync(Root, "a", 0x1ED, User).Err());
        Assert.Equal(Errno.EEXIST, await fs.MkdirAsync(Root, "d", 0x1ED, User).Err());
        Assert.Equal(Errno.EEXIST, await fs.SymlinkAsync(Root, "a", "/x", User).Err());
        Assert.Equal(Errno.EEXIST, await fs.LinkAsync(a.Ino, Root, "d", User).Err());
        Assert.Equal(Errno.EEXIST, await fs.RenameAsync(Root, "a", Root, "d", RenameFlags.NoReplace, User).Err());
        await fs.SetXattrAsync(a.Ino, "user.x", new byte[1], XattrFlags.None, User).Ok();
        Assert.Equal(Errno.EEXIST, await fs.SetXattrAsync(a.Ino, "user.x", new byte[1], XattrFlags.Create, User).Err());
    }

    [Fact]
    public async Task ENOTDIR_EISDIR_ENOTEMPTY_EPERM()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        await fs.MknodAsync(d.Ino, "inner", File, 0, User).Ok();
        var e = await fs.MkdirAsync(Root, "e", 0x1ED, User).Ok();

        Assert.Equal(Errno.ENOTDIR, await fs.LookupAsync(f.Ino, "x").Err());
        Assert.Equal(Errno.ENOTDIR, await fs.MknodAsync(f.Ino, "x", File, 0, User).Err());
        Assert.Equal(Errno.ENOTDIR, await fs.ReadDirAsync(f.Ino, 0, 10, false).Err());
        Assert.Equal(Errno.ENOTDIR, await fs.RmdirAsync(Root, "f", User).Err());
        Assert.Equal(Errno.ENOTDIR, await fs.RenameAsync(Root, "e", Root, "f", RenameFlags.None, User).Err());

        Assert.Equal(Errno.EISDIR, await fs.UnlinkAsync(Root, "d", User).Err());
        Assert.Equal(Errno.EISDIR, await fs.RenameAsync(Root, "f", Root, "e", RenameFlags.None, User).Err());
        Assert.Equal(Errno.EISDIR, await fs.WriteAsync(d.Ino, 0, new byte[1], User).Err());
        Assert.Equal(Errno.EISDIR, await fs.ReadAsync(d.Ino, 0, new byte[1]).Err());
        Assert.Equal(Errno.EISDIR, await fs.SetAttrAsync(d.Ino, new SetAttrRequest { Size = 0 }, User).Err());

        Assert.Equal(Errno.ENOTEMPTY, await fs.RmdirAsync(Root, "d", User).Err());
        Assert.Equal(Errno.ENOTEMPTY, await fs.RenameAsync(Root, "e", Root, "d", RenameFlags.None, User).Err());

        Assert.Equal(Errno.EPERM, await fs.LinkAsync(d.Ino, Root, "d2", User).Err());
        Assert.Equal(Errno.EPERM, await fs.MknodAsync(Root, "x", FileModes.S_IFDIR | 0x1ED, 0, User).Err());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task EINVAL_for_bad_names_flags_subtree_moves_and_non_links()
    {
        var fs = await redis.NewWorldAsync();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var sub = await fs.MkdirAsync(d.Ino, "sub", 0x1ED, User).Ok();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        foreach (var bad in new[] { "", ".", "..", "a/b", "a\0b" })
        {
            Assert.Equal(Errno.EINVAL, await fs.MknodAsync(Root, bad, File, 0, User).Err());
            Assert.Equal(Errno.EINVAL, await fs.LookupAsync(Root, bad).Err());
            Assert.Equal(Errno.EINVAL, await fs.RenameAsync(Root, "f", Root, bad, RenameFlags.None, User).Err());
        }
        Assert.Equal(Errno.EINVAL, await fs.RenameAsync(Root, "d", sub.Ino, "x", RenameFlags.None, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.RenameAsync(Root, "d", d.Ino, "x", RenameFlags.None, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.RenameAsync(Root, "f", Root, "d", RenameFlags.Exchange | RenameFlags.NoReplace, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.RenameAsync(Root, "f", Root, "g", RenameFlags.Whiteout, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.ReadLinkAsync(f.Ino).Err());
        Assert.Equal(Errno.EINVAL, await fs.MknodAsync(Root, "x", 0xE000 | 0x1A4, 0, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.WriteAsync(f.Ino, -1, new byte[1], User).Err());
        Assert.Equal(Errno.EINVAL, await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = -1 }, User).Err());
        var fifo = await fs.MknodAsync(Root, "p", FileModes.S_IFIFO | 0x1A4, 0, User).Ok();
        Assert.Equal(Errno.EINVAL, await fs.SetAttrAsync(fifo.Ino, new SetAttrRequest { Size = 0 }, User).Err());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task ENAMETOOLONG_over_255_bytes_and_for_long_symlink_targets()
    {
        var fs = await redis.NewWorldAsync();
        Assert.Equal(Errno.None, await fs.MknodAsync(Root, new string('a', 255), File, 0, User).Err());
        Assert.Equal(Errno.ENAMETOOLONG, await fs.MknodAsync(Root, new string('a', 256), File, 0, User).Err());
        // 128 two-byte characters: 256 UTF-8 bytes.
        Assert.Equal(Errno.ENAMETOOLONG, await fs.MkdirAsync(Root, new string('é', 128), 0x1ED, User).Err());
        Assert.Equal(Errno.ENAMETOOLONG, await fs.LookupAsync(Root, new string('a', 300)).Err());
        Assert.Equal(Errno.ENAMETOOLONG, await fs.SymlinkAsync(Root, "l", new string('t', 4096), User).Err());
        Assert.Equal(Errno.None, await fs.SymlinkAsync(Root, "l", new string('t', 4095), User).Err());
    }

    [Fact]
    public async Task ENODATA_ERANGE_E2BIG_for_xattrs_and_EAGAIN_for_ghost_content()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        Assert.Equal(Errno.ENODATA, await fs.GetXattrAsync(f.Ino, "user.none").Err());
        Assert.Equal(Errno.ENODATA, await fs.RemoveXattrAsync(f.Ino, "user.none", User).Err());
        Assert.Equal(Errno.ENODATA, await fs.SetXattrAsync(f.Ino, "user.none", new byte[1], XattrFlags.Replace, User).Err());
        Assert.Equal(Errno.ERANGE, await fs.SetXattrAsync(f.Ino, "", new byte[1], XattrFlags.None, User).Err());
        Assert.Equal(Errno.EOPNOTSUPP, await fs.SetXattrAsync(f.Ino, "bogus.name", new byte[1], XattrFlags.None, User).Err());
        Assert.Equal(Errno.E2BIG, await fs.SetXattrAsync(f.Ino, "user.big", new byte[65537], XattrFlags.None, User).Err());

        await fs.PopulateDirectoryAsync(Root, [new DeclaredEntry { Name = "ghost", Mode = File, Size = 10, Mtime = new(1_600_000_000, 0), Content = ContentState.Ghost, Origin = "persona:g" }], false, OpContext.System).Ok();
        var ghost = await fs.LookupAsync(Root, "ghost").Ok();
        Assert.Equal(Errno.EAGAIN, await fs.ReadAsync(ghost.Ino, 0, new byte[10]).Err());
        Assert.Equal(Errno.EAGAIN, await fs.WriteAsync(ghost.Ino, 0, new byte[1], User).Err());
        Assert.Equal(Errno.EAGAIN, await fs.SetAttrAsync(ghost.Ino, new SetAttrRequest { Size = 0 }, User).Err());
        Assert.Equal(Errno.EINVAL, await fs.CommitContentAsync(ghost.Ino, new byte[9], OpContext.System).Err());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task EFBIG_past_the_largest_file()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        Assert.Equal(Errno.EFBIG, await fs.WriteAsync(f.Ino, 1L << 44, new byte[1], User).Err());
        Assert.Equal(Errno.EFBIG, await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = (1L << 44) + 1 }, User).Err());
    }
}
