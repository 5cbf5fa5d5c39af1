using System.Text;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Sessions;
using Chronos.Hypervisor.Worlds;
using StackExchange.Redis;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>WorldCatalog.BranchAsync: a world copied key by key into another slot, checked, then made ready.</summary>
public sealed class BranchTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task A_branch_is_an_identical_world_with_a_clean_fsck()
    {
        var source = await PopulatedWorldAsync();
        var sessions = new SessionStore(redis.Redis);
        await sessions.CreateAsync(new SessionRecord("s-src", source.World, "root", "198.51.100.7", DateTimeOffset.UtcNow));
        var target = source.World + "-b";

        var info = await redis.Catalog.BranchAsync(source.World, target);

        var sourceInfo = (await redis.Catalog.GetAsync(source.World))!;
        Assert.Equal(target, info.Name);
        Assert.Equal(sourceInfo with { Name = target }, info);
        await redis.AssertCleanAsync(target);
        await redis.AssertCleanAsync(source.World);
        var branch = redis.Catalog.Open(target, "test");
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(branch));
        Assert.Contains(await redis.Catalog.ListAsync(), w => w.Name == target);

        // History and sessions stay with the source: the branch's audit holds only its birth.
        var audit = await new AuditLog(redis.Redis).ReadAsync(target);
        var born = Assert.Single(audit);
        Assert.Equal("world.branch", born.Op);
        Assert.Equal(source.World, born.Extra["source"]);
        Assert.Empty(await sessions.ListAsync(target));
        Assert.Single(await sessions.ListAsync(source.World));
        Assert.Equal(source.World, (string?)await redis.Redis.GetDatabase().HashGetAsync(new Keys(target).Meta, "from"));
    }

    [Fact]
    public async Task Changes_to_a_branch_and_its_source_stay_apart()
    {
        var source = await PopulatedWorldAsync();
        var target = source.World + "-b";
        await redis.Catalog.BranchAsync(source.World, target);
        var branch = redis.Catalog.Open(target, "test");

        var etc = await branch.LookupAsync(Root, "etc").Ok();
        var passwd = await branch.LookupAsync(etc.Ino, "passwd").Ok();
        await branch.WriteAsync(passwd.Ino, 0, "toor:x:0:0::/root:/bin/sh\n"u8.ToArray(), User).Ok();
        await branch.MknodAsync(Root, "dropper.sh", File, 0, User).Ok();
        await branch.UnlinkAsync(Root, "hard", User).Ok();
        await branch.SetXattrAsync(passwd.Ino, "user.tag", "branch"u8.ToArray(), XattrFlags.None, User).Ok();
        await source.MknodAsync(Root, "only-in-source", File, 0, User).Ok();

        Assert.Equal(Errno.ENOENT, await source.LookupAsync(Root, "dropper.sh").Err());
        Assert.Equal(Errno.ENOENT, await branch.LookupAsync(Root, "only-in-source").Err());
        Assert.NotEqual(Errno.ENOENT, await source.LookupAsync(Root, "hard").Err());
        var sourcePasswd = await source.LookupAsync((await source.LookupAsync(Root, "etc").Ok()).Ino, "passwd").Ok();
        Assert.StartsWith("root:x:0:0", Encoding.UTF8.GetString(await source.ReadAllAsync(sourcePasswd.Ino)), StringComparison.Ordinal);
        Assert.StartsWith("toor:x:0:0", Encoding.UTF8.GetString(await branch.ReadAllAsync(passwd.Ino)), StringComparison.Ordinal);
        Assert.Equal("base"u8.ToArray(), await source.GetXattrAsync(sourcePasswd.Ino, "user.tag").Ok());
        await redis.AssertCleanAsync(source.World);
        await redis.AssertCleanAsync(target);

        // Deleting the branch leaves the source and the blobs they shared intact.
        Assert.True(await redis.Catalog.DeleteAsync(target));
        await redis.AssertCleanAsync(source.World);
        Assert.StartsWith("root:x:0:0", Encoding.UTF8.GetString(await source.ReadAllAsync(sourcePasswd.Ino)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_the_source_holds_open_after_unlinking_is_not_carried_into_the_branch()
    {
        var source = await PopulatedWorldAsync();
        var tmp = await source.MknodAsync(Root, "deleted-while-open", File, 0, User).Ok();
        await source.WriteAsync(tmp.Ino, 0, new byte[70_000], User).Ok();
        await source.OpenAsync(tmp.Ino, User).Ok();
        await source.UnlinkAsync(Root, "deleted-while-open", User).Ok();
        var target = source.World + "-b";

        var info = await redis.Catalog.BranchAsync(source.World, target);

        await redis.AssertCleanAsync(target);
        await redis.AssertCleanAsync(source.World);
        var sourceInfo = (await redis.Catalog.GetAsync(source.World))!;
        Assert.Equal(sourceInfo.UsedInodes - 1, info.UsedInodes);
        Assert.Equal(sourceInfo.UsedBytes - 70_000, info.UsedBytes);
        Assert.Equal(Errno.ENOENT, await redis.Catalog.Open(target, "test").GetAttrAsync(tmp.Ino).Err());
        Assert.Equal(70_000, (await source.GetAttrAsync(tmp.Ino).Ok()).Size);
    }

    [Fact]
    public async Task A_branch_left_half_done_by_a_crash_is_refused_then_redone()
    {
        var source = await PopulatedWorldAsync();
        var target = source.World + "-b";
        var db = redis.Redis.GetDatabase();
        var keys = new Keys(target);
        // What a brancher killed mid-copy leaves: meta in the branching state and some keys.
        await db.HashSetAsync(keys.Meta, [new("name", target), new("qb", 1000), new("qi", 10), new("created", 1), new("state", "branching")]);
        await db.HashSetAsync(keys.Inode(77), [new("m", File), new("n", 1)]);
        await db.StringSetAsync(keys.NextIno, 3);

        Assert.Null(await redis.Catalog.GetAsync(target));
        Assert.DoesNotContain(await redis.Catalog.ListAsync(), w => w.Name == target);
        var refused = Assert.Throws<WorldNotReadyException>(() => redis.Catalog.Open(target, "test"));
        Assert.Equal("branching", refused.State);

        await redis.Catalog.BranchAsync(source.World, target);

        await redis.AssertCleanAsync(target);
        Assert.False(await db.KeyExistsAsync(keys.Inode(77)));
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(redis.Catalog.Open(target, "test")));
        Assert.NotNull(await redis.Catalog.GetAsync(target));
    }

    [Fact]
    public async Task Branching_is_refused_onto_a_ready_world_from_a_missing_one_and_while_another_brancher_works()
    {
        var source = await PopulatedWorldAsync();
        var other = await redis.NewWorldAsync();
        await other.MknodAsync(Root, "keep", File, 0, User).Ok();

        var exists = await Assert.ThrowsAsync<WorldExistsException>(() => redis.Catalog.BranchAsync(source.World, other.World));
        Assert.Equal(other.World, exists.World);
        Assert.NotEqual(Errno.ENOENT, await other.LookupAsync(Root, "keep").Err());
        await redis.AssertCleanAsync(other.World);

        var missing = await Assert.ThrowsAsync<WorldNotFoundException>(() => redis.Catalog.BranchAsync("no-such-world", source.World + "-x"));
        Assert.Equal("no-such-world", missing.World);
        Assert.Null(await redis.Catalog.GetAsync(source.World + "-x"));
        await Assert.ThrowsAsync<ArgumentException>(() => redis.Catalog.BranchAsync(source.World, source.World));
        await Assert.ThrowsAsync<ArgumentException>(() => redis.Catalog.BranchAsync(source.World, "Bad Name"));

        // A live brancher holds the target's lease; a second one must not delete its work.
        var target = source.World + "-busy";
        await redis.Redis.GetDatabase().StringSetAsync(new Keys(target).Prefix + "branch_lease", "someone", TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<WorldNotReadyException>(() => redis.Catalog.BranchAsync(source.World, target));
    }

    /// <summary>A world with content, a hard link, a symlink, xattrs, a device, a sparse file, a ghost
    /// file and a lazy directory.</summary>
    private async Task<IWorldFileSystem> PopulatedWorldAsync()
    {
        var fs = await redis.NewWorldAsync();
        var etc = await fs.MkdirAsync(Root, "etc", 0x1ED, OpContext.System).Ok();
        var passwd = await fs.MknodAsync(etc.Ino, "passwd", File, 0, OpContext.System).Ok();
        await fs.WriteAsync(passwd.Ino, 0, "root:x:0:0:root:/root:/bin/bash\n"u8.ToArray(), OpContext.System).Ok();
        await fs.SetXattrAsync(passwd.Ino, "user.tag", "base"u8.ToArray(), XattrFlags.None, OpContext.System).Ok();
        var big = await fs.MknodAsync(Root, "big", File, 0, User).Ok();
        var bytes = new byte[200_000];
        new Random(7).NextBytes(bytes);
        await fs.WriteAsync(big.Ino, 0, bytes, User).Ok();
        await fs.WriteAsync(big.Ino, 1_000_000, bytes.AsMemory(0, 10), User).Ok();
        var dup = await fs.MknodAsync(Root, "dup", File, 0, User).Ok();
        await fs.WriteAsync(dup.Ino, 0, bytes, User).Ok();
        await fs.LinkAsync(big.Ino, etc.Ino, "hard", User).Ok();
        await fs.LinkAsync(dup.Ino, Root, "hard", User).Ok();
        await fs.SymlinkAsync(Root, "sh", "/bin/bash", User).Ok();
        await fs.MknodAsync(Root, "null", FileModes.S_IFCHR | 0x1B6, 0x103, OpContext.System).Ok();
        var mtime = new Timespec(1_500_000_000, 123);
        await fs.PopulateDirectoryAsync(Root,
        [
            new DeclaredEntry { Name = "notes.txt", Mode = File, Uid = 1000, Gid = 1000, Size = 5, Mtime = mtime, Content = ContentState.Ghost, Origin = "persona:notes" },
            new DeclaredEntry { Name = "var", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = mtime, Lazy = true, Origin = "persona:var" },
        ], onlyIfLazy: false, OpContext.System).Ok();
        await redis.AssertCleanAsync(fs.World);
        return fs;
    }

    /// <summary>Every path with its attributes, content (stored files), target (symlinks) and xattrs,
    /// plus statfs; lazy directories and ghost files are recorded as such, not read.</summary>
    private static async Task<string> SnapshotAsync(IWorldFileSystem fs)
    {
        var text = new StringBuilder();
        text.AppendLine((await fs.StatFsAsync()).Ok().ToString());
        await WalkAsync(fs, Root, "", text);
        return text.ToString();
    }

    private static async Task WalkAsync(IWorldFileSystem fs, ulong ino, string path, StringBuilder text)
    {
        var attr = await fs.GetAttrAsync(ino).Ok();
        text.Append(path).Append(' ').Append(attr);
        foreach (var name in await fs.ListXattrAsync(ino).Ok())
        {
            text.Append(" xattr ").Append(name).Append('=').Append(Convert.ToHexString(await fs.GetXattrAsync(ino, name).Ok()));
        }
        if (attr.Kind == FileKind.Symlink)
        {
            text.Append(" -> ").Append(await fs.ReadLinkAsync(ino).Ok());
        }
        else if (attr.Kind == FileKind.Regular && attr.Content == ContentState.Stored)
        {
            text.Append(" sha256 ").Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await fs.ReadAllAsync(ino))));
        }
        text.AppendLine();
        if (attr.Kind == FileKind.Directory && !attr.IsLazyDirectory)
        {
            foreach (var entry in await fs.ListAsync(ino))
            {
                text.Append("  entry ").Append(path).Append('/').Append(entry.Name).Append(' ').Append(entry.Ino).Append(" cookie ").Append(entry.NextCookie).AppendLine();
                if (entry.Name is not ("." or ".."))
                {
                    await WalkAsync(fs, entry.Ino, path + "/" + entry.Name, text);
                }
            }
        }
    }
}
