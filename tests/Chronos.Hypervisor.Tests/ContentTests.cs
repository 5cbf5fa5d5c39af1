using System.Security.Cryptography;
using Chronos.Hypervisor.FileSystem;
using StackExchange.Redis;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>Chunked, content-addressed storage: holes, partial rewrites, dedupe and garbage collection.</summary>
public sealed class ContentTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;
    private const int Chunk = 65536;

    private IDatabase Db => redis.Redis.GetDatabase();

    private async Task<long> BlobCountAsync(string world)
    {
        var server = redis.Redis.GetServers()[0];
        long n = 0;
        await foreach (var _ in server.KeysAsync(pattern: $"chronos:{{{world}}}:blob:*"))
        {
            n++;
        }
        return n;
    }

    [Fact]
    public async Task Sparse_writes_leave_holes_that_read_as_zeros()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "sparse", File, 0, User).Ok();
        var data = RandomNumberGenerator.GetBytes(100);
        await fs.WriteAsync(f.Ino, 10L * Chunk + 5, data, User).Ok();
        var attributes = await fs.GetAttrAsync(f.Ino).Ok();
        Assert.Equal(10L * Chunk + 105, attributes.Size);
        Assert.Single(await Db.HashGetAllAsync($"chronos:{{{fs.World}}}:chunks:{f.Ino}"));
        Assert.True(attributes.Blocks < 2 * Chunk / 512, "a sparse file's st_blocks counts only stored bytes");
        var content = await fs.ReadAllAsync(f.Ino);
        Assert.All(content[..(10 * Chunk + 5)], b => Assert.Equal(0, b));
        Assert.Equal(data, content[(10 * Chunk + 5)..]);

        // Truncating down into the middle of the data and back up reads zeros past the cut, as on Linux.
        await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = 10L * Chunk + 20 }, User).Ok();
        await fs.SetAttrAsync(f.Ino, new SetAttrRequest { Size = 10L * Chunk + 200 }, User).Ok();
        content = await fs.ReadAllAsync(f.Ino);
        Assert.Equal(data[..15], content[(10 * Chunk + 5)..(10 * Chunk + 20)]);
        Assert.All(content[(10 * Chunk + 20)..], b => Assert.Equal(0, b));
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task A_4KiB_write_into_a_large_file_rewrites_one_chunk()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "big", File, 0, User).Ok();
        const int chunks = 64;
        var content = RandomNumberGenerator.GetBytes(chunks * Chunk);
        await fs.WriteAsync(f.Ino, 0, content, User).Ok();
        var chunkKey = $"chronos:{{{fs.World}}}:chunks:{f.Ino}";
        var before = (await Db.HashGetAllAsync(chunkKey)).ToDictionary(e => (long)e.Name, e => (string)e.Value!);
        Assert.Equal(chunks, before.Count);

        var patch = RandomNumberGenerator.GetBytes(4096);
        await fs.WriteAsync(f.Ino, 37L * Chunk + 1000, patch, User).Ok();
        var after = (await Db.HashGetAllAsync(chunkKey)).ToDictionary(e => (long)e.Name, e => (string)e.Value!);
        var changed = after.Where(kv => before[kv.Key] != kv.Value).Select(kv => kv.Key).ToArray();
        Assert.Equal([37L], changed);
        Assert.Equal(chunks, await BlobCountAsync(fs.World));

        patch.CopyTo(content, 37 * Chunk + 1000);
        Assert.Equal(content, await fs.ReadAllAsync(f.Ino));
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Identical_chunks_are_stored_once_and_collected_when_unused()
    {
        var fs = await redis.NewWorldAsync();
        var block = RandomNumberGenerator.GetBytes(Chunk);
        var twice = block.Concat(block).ToArray();
        var a = await fs.MknodAsync(Root, "a", File, 0, User).Ok();
        var b = await fs.MknodAsync(Root, "b", File, 0, User).Ok();
        await fs.WriteAsync(a.Ino, 0, twice, User).Ok();
        await fs.WriteAsync(b.Ino, 0, block, User).Ok();
        Assert.Equal(1, await BlobCountAsync(fs.World));
        Assert.Equal(3, (long)await Db.HashGetAsync($"chronos:{{{fs.World}}}:blobref", Convert.ToHexStringLower(SHA256.HashData(block))));
        var usage = await Db.HashGetAsync($"chronos:{{{fs.World}}}:usage", "b");
        Assert.Equal(3L * Chunk, (long)usage);

        await fs.UnlinkAsync(Root, "a", User).Ok();
        Assert.Equal(1, await BlobCountAsync(fs.World));
        await fs.SetAttrAsync(b.Ino, new SetAttrRequest { Size = 0 }, User).Ok();
        Assert.Equal(0, await BlobCountAsync(fs.World));
        await fs.UnlinkAsync(Root, "b", User).Ok();
        Assert.Equal(0, await BlobCountAsync(fs.World));
        Assert.Equal(0, await Db.HashLengthAsync($"chronos:{{{fs.World}}}:blobref"));
        Assert.Equal(0L, (long)await Db.HashGetAsync($"chronos:{{{fs.World}}}:usage", "b"));
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task An_upload_no_script_uses_expires_and_is_not_a_violation()
    {
        var fs = await redis.NewWorldAsync();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.WriteAsync(f.Ino, 0, new byte[100], User).Ok();
        // A client that uploaded a blob and died before its write script ran.
        var key = $"chronos:{{{fs.World}}}:blob:{new string('a', 64)}";
        await Db.StringSetAsync(key, "orphaned upload", TimeSpan.FromMinutes(5), When.NotExists);
        await redis.AssertCleanAsync(fs.World);
        Assert.NotNull(await Db.KeyTimeToLiveAsync(key));
        // A used blob carries no TTL.
        var sha = (string)(await Db.HashGetAsync($"chronos:{{{fs.World}}}:chunks:{f.Ino}", 0))!;
        Assert.Null(await Db.KeyTimeToLiveAsync($"chronos:{{{fs.World}}}:blob:{sha}"));
    }

    [Fact]
    public async Task Deleting_everything_leaves_zero_blobs()
    {
        var fs = await redis.NewWorldAsync();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var f = await fs.MknodAsync(d.Ino, "f" + i, File, 0, User).Ok();
            var data = new byte[random.Next(1, 3 * Chunk)];
            random.NextBytes(data);
            await fs.WriteAsync(f.Ino, random.Next(0, Chunk), data, User).Ok();
            await fs.SetXattrAsync(f.Ino, "user.tag", data[..10], XattrFlags.None, User).Ok();
        }
        Assert.True(await BlobCountAsync(fs.World) > 20);
        for (var i = 0; i < 20; i++)
        {
            await fs.UnlinkAsync(d.Ino, "f" + i, User).Ok();
        }
        await fs.RmdirAsync(Root, "d", User).Ok();
        Assert.Equal(0, await BlobCountAsync(fs.World));
        var usage = (await Db.HashGetAllAsync($"chronos:{{{fs.World}}}:usage")).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(0, usage["b"]);
        Assert.Equal(1, usage["i"]);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Ghost_content_is_committed_once_without_changing_attributes()
    {
        var fs = await redis.NewWorldAsync();
        var mtime = new Timespec(1_500_000_000, 123);
        await fs.PopulateDirectoryAsync(Root,
        [
            new DeclaredEntry { Name = "notes.txt", Mode = File, Uid = 1000, Gid = 1000, Size = 5, Mtime = mtime, Content = ContentState.Ghost, Origin = "persona:notes" },
            new DeclaredEntry { Name = "lower.bin", Mode = File, Size = 4, Mtime = mtime, Content = ContentState.Lower, Origin = "lower:bin/lower.bin" },
            new DeclaredEntry { Name = "motd", Mode = File, Size = 3, Mtime = mtime, InlineContent = "hi\n"u8.ToArray() },
            new DeclaredEntry { Name = "var", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = mtime, Lazy = true, Origin = "persona:var" },
            new DeclaredEntry { Name = "sh", Mode = FileModes.S_IFLNK | 0x1FF, Mtime = mtime, Target = "/bin/bash" },
        ], onlyIfLazy: false, OpContext.System).Ok();
        var ghost = await fs.LookupAsync(Root, "notes.txt").Ok();
        Assert.Equal(ContentState.Ghost, ghost.Content);
        Assert.Equal("persona:notes", ghost.Origin);
        Assert.Equal(mtime, ghost.Mtime);
        Assert.True(await fs.CommitContentAsync(ghost.Ino, "hello"u8.ToArray(), OpContext.System).Ok());
        Assert.False(await fs.CommitContentAsync(ghost.Ino, "world"u8.ToArray(), OpContext.System).Ok());
        var after = await fs.GetAttrAsync(ghost.Ino).Ok();
        Assert.Equal(ContentState.Stored, after.Content);
        Assert.Equal(ghost with { Content = ContentState.Stored, Origin = null, Blocks = after.Blocks }, after);
        Assert.Equal("hello"u8.ToArray(), await fs.ReadAllAsync(ghost.Ino));

        // Lower content is fitted to the size the world declared.
        var lower = await fs.LookupAsync(Root, "lower.bin").Ok();
        Assert.True(await fs.CommitContentAsync(lower.Ino, "abcdef"u8.ToArray(), OpContext.System).Ok());
        Assert.Equal("abcd"u8.ToArray(), await fs.ReadAllAsync(lower.Ino));

        Assert.Equal("hi\n"u8.ToArray(), await fs.ReadAllAsync((await fs.LookupAsync(Root, "motd").Ok()).Ino));
        Assert.Equal("/bin/bash", await fs.ReadLinkAsync((await fs.LookupAsync(Root, "sh").Ok()).Ino).Ok());
        var lazy = await fs.LookupAsync(Root, "var").Ok();
        Assert.True(lazy.IsLazyDirectory);
        Assert.Equal(3u, (await fs.GetAttrAsync(Root)).Ok().Nlink);

        // A lazy directory is populated once: the second populator loses, and present names are kept.
        Assert.True(await fs.PopulateDirectoryAsync(lazy.Ino, [new DeclaredEntry { Name = "log", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = mtime }], true, OpContext.System).Ok());
        Assert.False(await fs.PopulateDirectoryAsync(lazy.Ino, [new DeclaredEntry { Name = "other", Mode = File, Mtime = mtime }], true, OpContext.System).Ok());
        Assert.False((await fs.GetAttrAsync(lazy.Ino)).Ok().IsLazyDirectory);
        Assert.Equal([".", "..", "log"], (await fs.ListAsync(lazy.Ino)).Select(e => e.Name));
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task An_overlay_keeps_a_lazy_directory_lazy_and_its_names_win_over_the_later_population()
    {
        var fs = await redis.NewWorldAsync();
        var mtime = new Timespec(1_600_000_000, 0);
        await fs.PopulateDirectoryAsync(Root, [new DeclaredEntry { Name = "usr", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = mtime, Lazy = true, Origin = "lower:usr" }], onlyIfLazy: false, OpContext.System).Ok();
        var usr = await fs.LookupAsync(Root, "usr").Ok();

        // The persona's os-release goes in first; the directory stays lazy with its origin.
        Assert.True(await fs.OverlayDirectoryAsync(usr.Ino, [new DeclaredEntry { Name = "os-release", Mode = File, Size = 7, Mtime = mtime, InlineContent = "ubuntu\n"u8.ToArray() }], OpContext.System).Ok());
        var overlaid = await fs.GetAttrAsync(usr.Ino).Ok();
        Assert.True(overlaid.IsLazyDirectory);
        Assert.Equal("lower:usr", overlaid.Origin);

        // The layer's population adds only the names not present, then the directory is decided.
        Assert.True(await fs.PopulateDirectoryAsync(usr.Ino,
        [
            new DeclaredEntry { Name = "os-release", Mode = File, Size = 7, Mtime = mtime, Content = ContentState.Lower, Origin = "lower:usr/os-release" },
            new DeclaredEntry { Name = "bin", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = mtime, Lazy = true, Origin = "lower:usr/bin" },
        ], onlyIfLazy: true, OpContext.System).Ok());
        Assert.False((await fs.GetAttrAsync(usr.Ino)).Ok().IsLazyDirectory);
        Assert.Equal([".", "..", "bin", "os-release"], (await fs.ListAsync(usr.Ino)).Select(e => e.Name).Order(StringComparer.Ordinal));
        var release = await fs.LookupAsync(usr.Ino, "os-release").Ok();
        Assert.Equal(ContentState.Stored, release.Content);
        Assert.Equal("ubuntu\n"u8.ToArray(), await fs.ReadAllAsync(release.Ino));
        await redis.AssertCleanAsync(fs.World);
    }
}
