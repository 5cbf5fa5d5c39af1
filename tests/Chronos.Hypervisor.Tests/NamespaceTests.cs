using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>Links, renames, open-unlinked files, readdir cookies, xattr flags and the audit trail.</summary>
public sealed class NamespaceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task Hard_links_count_and_survive_until_the_last_name()
    {
        var fs = await redis.NewWorldAsync();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.WriteAsync(f.Ino, 0, "data"u8.ToArray(), User).Ok();
        Assert.Equal(2u, (await fs.LinkAsync(f.Ino, d.Ino, "g", User).Ok()).Nlink);
        Assert.Equal(3u, (await fs.LinkAsync(f.Ino, Root, "h", User).Ok()).Nlink);
        await fs.UnlinkAsync(Root, "f", User).Ok();
        Assert.Equal(2u, (await fs.LookupAsync(d.Ino, "g").Ok()).Nlink);
        await fs.UnlinkAsync(Root, "h", User).Ok();
        var g = await fs.LookupAsync(d.Ino, "g").Ok();
        Assert.Equal(1u, g.Nlink);
        Assert.Equal(f.Ino, g.Ino);
        Assert.Equal("data"u8.ToArray(), await fs.ReadAllAsync(g.Ino));
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Rename_replaces_exchanges_and_keeps_directory_link_counts()
    {
        var fs = await redis.NewWorldAsync();
        var a = await fs.MkdirAsync(Root, "a", 0x1ED, User).Ok();
        var b = await fs.MkdirAsync(Root, "b", 0x1ED, User).Ok();
        var sub = await fs.MkdirAsync(a.Ino, "sub", 0x1ED, User).Ok();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        var g = await fs.MknodAsync(Root, "g", File, 0, User).Ok();

        // Moving a directory: both parents' nlink and the moved directory's "..".
        await fs.RenameAsync(a.Ino, "sub", b.Ino, "moved", RenameFlags.None, User).Ok();
        Assert.Equal(2u, (await fs.GetAttrAsync(a.Ino)).Ok().Nlink);
        Assert.Equal(3u, (await fs.GetAttrAsync(b.Ino)).Ok().Nlink);
        var dotdot = (await fs.ListAsync(sub.Ino)).Single(e => e.Name == "..");
        Assert.Equal(b.Ino, dotdot.Ino);

        // Replacing a file frees the old one; NOREPLACE refuses; EXCHANGE swaps.
        await fs.RenameAsync(Root, "f", Root, "g", RenameFlags.None, User).Ok();
        Assert.Equal(Errno.ENOENT, await fs.GetAttrAsync(g.Ino).Err());
        Assert.Equal(f.Ino, (await fs.LookupAsync(Root, "g").Ok()).Ino);
        Assert.Equal(Errno.EEXIST, await fs.RenameAsync(Root, "g", Root, "a", RenameFlags.NoReplace, User).Err());
        await fs.RenameAsync(Root, "g", b.Ino, "moved", RenameFlags.Exchange, User).Ok();
        Assert.Equal(sub.Ino, (await fs.LookupAsync(Root, "g").Ok()).Ino);
        Assert.Equal(f.Ino, (await fs.LookupAsync(b.Ino, "moved").Ok()).Ino);
        Assert.Equal(2u, (await fs.GetAttrAsync(b.Ino)).Ok().Nlink);
        Assert.Equal(5u, (await fs.GetAttrAsync(Root)).Ok().Nlink);

        // Replacing an empty directory.
        await fs.RenameAsync(Root, "g", Root, "a", RenameFlags.None, User).Ok();
        Assert.Equal(Errno.ENOENT, await fs.GetAttrAsync(a.Ino).Err());
        Assert.Equal(4u, (await fs.GetAttrAsync(Root)).Ok().Nlink);
        // Renaming a name onto another link of the same inode does nothing.
        await fs.LinkAsync(f.Ino, b.Ino, "again", User).Ok();
        await fs.RenameAsync(b.Ino, "moved", b.Ino, "again", RenameFlags.None, User).Ok();
        Assert.Equal(2u, (await fs.GetAttrAsync(f.Ino)).Ok().Nlink);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task An_unlinked_open_file_lives_until_its_last_release()
    {
        var fs = await redis.NewWorldAsync();
        var other = redis.Catalog.Open(fs.World, "other-mount");
        var f = await fs.MknodAsync(Root, "tmp", File, 0, User).Ok();
        await fs.OpenAsync(f.Ino, User).Ok();
        await other.OpenAsync(f.Ino, User).Ok();
        await fs.WriteAsync(f.Ino, 0, "before"u8.ToArray(), User).Ok();
        await fs.UnlinkAsync(Root, "tmp", User).Ok();
        Assert.Equal(Errno.ENOENT, await fs.LookupAsync(Root, "tmp").Err());
        var orphan = await fs.GetAttrAsync(f.Ino).Ok();
        Assert.Equal(0u, orphan.Nlink);
        await fs.WriteAsync(f.Ino, 6, " after"u8.ToArray(), User).Ok();
        Assert.Equal("before after"u8.ToArray(), await fs.ReadAllAsync(f.Ino));
        Assert.Equal(Errno.ENOENT, await fs.LinkAsync(f.Ino, Root, "back", User).Err());
        await redis.AssertCleanAsync(fs.World);

        await fs.ReleaseAsync(f.Ino, User).Ok();
        Assert.True((await fs.GetAttrAsync(f.Ino)).IsOk);
        // The other mount crashed: its restart drops its handles and frees the orphan.
        var restarted = redis.Catalog.Open(fs.World, "other-mount");
        Assert.Equal(1, await restarted.ReleaseAllHandlesAsync());
        Assert.Equal(Errno.ENOENT, await fs.GetAttrAsync(f.Ino).Err());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Readdir_cookies_survive_concurrent_inserts_and_removals()
    {
        var fs = await redis.NewWorldAsync();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        for (var i = 0; i < 200; i++)
        {
            await fs.MknodAsync(d.Ino, $"keep{i:D3}", File, 0, User).Ok();
            await fs.MknodAsync(d.Ino, $"gone{i:D3}", File, 0, User).Ok();
        }
        var seen = new List<string>();
        long cookie = 0;
        var step = 0;
        while (true)
        {
            var page = await fs.ReadDirAsync(d.Ino, cookie, 7, withAttributes: step % 2 == 0).Ok();
            seen.AddRange(page.Entries.Select(e => e.Name));
            if (page.End)
            {
                break;
            }
            cookie = page.Entries[^1].NextCookie;
            // Between pages: new names arrive and others go, as another shell would do.
            await fs.MknodAsync(d.Ino, $"new{step}", File, 0, User).Ok();
            if (step < 200)
            {
                await fs.UnlinkAsync(d.Ino, $"gone{step:D3}", User).Ok();
            }
            step++;
        }
        var keeps = seen.Where(n => n.StartsWith("keep", StringComparison.Ordinal)).ToList();
        Assert.Equal(200, keeps.Count);
        Assert.Equal(keeps.Count, keeps.Distinct().Count());
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal([".", ".."], seen.Take(2));
    }

    [Fact]
    public async Task Xattr_flags_and_listing()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.SetXattrAsync(f.Ino, "user.b", "1"u8.ToArray(), XattrFlags.Create, User).Ok();
        await fs.SetXattrAsync(f.Ino, "user.a", "2"u8.ToArray(), XattrFlags.None, User).Ok();
        await fs.SetXattrAsync(f.Ino, "user.a", "3"u8.ToArray(), XattrFlags.Replace, User).Ok();
        await fs.SetXattrAsync(f.Ino, "security.selinux", "x"u8.ToArray(), XattrFlags.None, User).Ok();
        Assert.Equal(["security.selinux", "user.a", "user.b"], await fs.ListXattrAsync(f.Ino).Ok());
        Assert.Equal("3"u8.ToArray(), await fs.GetXattrAsync(f.Ino, "user.a").Ok());
        Assert.Equal(Errno.EINVAL, await fs.SetXattrAsync(f.Ino, "user.a", "4"u8.ToArray(), XattrFlags.Create | XattrFlags.Replace, User).Err());
        await fs.RemoveXattrAsync(f.Ino, "user.a", User).Ok();
        Assert.Equal(Errno.ENODATA, await fs.GetXattrAsync(f.Ino, "user.a").Err());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Setattr_sets_times_modes_owners_and_ctime()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        var at = new Timespec(1_000_000_000, 123_456_789);
        var mt = new Timespec(1_100_000_000, 987_654_321);
        var changed = await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Mode = 0x7FF, Uid = 33, Gid = 44, Atime = at, Mtime = mt }, User).Ok();
        Assert.Equal(FileModes.S_IFREG | 0x7FF, changed.Mode);
        Assert.Equal((33u, 44u), (changed.Uid, changed.Gid));
        Assert.Equal(at, changed.Atime);
        Assert.Equal(mt, changed.Mtime);
        Assert.True(changed.Ctime.ToUnixNanoseconds() >= f.Ctime.ToUnixNanoseconds());
        var now = await fs.SetAttrAsync(f.Ino, new SetAttrRequest { MtimeNow = true }, User).Ok();
        Assert.True(now.Mtime.ToUnixNanoseconds() > mt.ToUnixNanoseconds());
        var explicitCtime = new Timespec(1_200_000_000, 5);
        Assert.Equal(explicitCtime, (await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Ctime = explicitCtime }, User).Ok()).Ctime);
        var root = await fs.GetAttrAsync(Root).Ok();
        var before = root.Mtime;
        await fs.MknodAsync(Root, "g", File, 0, User).Ok();
        Assert.True((await fs.GetAttrAsync(Root)).Ok().Mtime.ToUnixNanoseconds() >= before.ToUnixNanoseconds());
    }

    [Fact]
    public async Task Every_mutation_is_audited_with_its_session()
    {
        var fs = await redis.NewWorldAsync();
        var ctx = new OpContext("ssh-42", 0, 0);
        var f = await fs.MknodAsync(Root, "f", File, 0, ctx).Ok();
        await fs.WriteAsync(f.Ino, 0, "x"u8.ToArray(), ctx).Ok();
        await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Mode = 0x1FF }, ctx).Ok();
        await fs.SetXattrAsync(f.Ino, "user.k", "v"u8.ToArray(), XattrFlags.None, ctx).Ok();
        await fs.LinkAsync(f.Ino, Root, "g", ctx).Ok();
        await fs.RenameAsync(Root, "g", Root, "h", RenameFlags.None, ctx).Ok();
        await fs.UnlinkAsync(Root, "h", ctx).Ok();
        await fs.MkdirAsync(Root, "d", 0x1ED, ctx).Ok();
        await fs.RmdirAsync(Root, "d", ctx).Ok();
        await fs.SymlinkAsync(Root, "l", "/etc", ctx).Ok();
        await fs.OpenAsync(f.Ino, ctx).Ok();
        await fs.ReleaseAsync(f.Ino, ctx).Ok();
        // A failed call changes nothing and is not an event.
        Assert.Equal(Errno.EEXIST, await fs.MknodAsync(Root, "f", File, 0, ctx).Err());

        var log = new AuditLog(redis.Redis);
        var events = await log.ReadAsync(fs.World);
        var mine = events.Where(e => e.Session == "ssh-42").ToList();
        Assert.Equal(["mknod", "write", "setattr", "setxattr", "link", "rename", "unlink", "mkdir", "rmdir", "symlink", "open", "release"], mine.Select(e => e.Op));
        Assert.Equal("f", mine[0].Name);
        Assert.Equal(f.Ino, mine[0].Ino);
        Assert.Equal("1", mine[1].Extra["l"]);
        Assert.Equal("h", mine[5].Extra["nn"]);
        Assert.All(mine, e => Assert.True(Math.Abs((DateTimeOffset.UtcNow - e.Time).TotalMinutes) < 5));
        Assert.Equal("create_world", events[0].Op);

        await log.AppendAsync(fs.World, "ssh-42", "login", new Dictionary<string, string> { ["user"] = "root", ["src"] = "203.0.113.9" });
        var after = await log.ReadAsync(fs.World, events[^1].Id);
        Assert.Equal("login", Assert.Single(after).Op);
        Assert.Equal("203.0.113.9", after[0].Extra["src"]);
    }
}
