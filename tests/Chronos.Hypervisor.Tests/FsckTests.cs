using Chronos.Hypervisor.FileSystem;
using StackExchange.Redis;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>fsck reports each invariant a world can break; each case corrupts a fresh world by hand.</summary>
public sealed class FsckTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    private sealed record Sample(IWorldFileSystem Fs, string P, ulong Dir, ulong Sub, ulong File, string Sha);

    /// <summary>/d/s (directories), /f (a file with one chunk), /l (symlink).</summary>
    private async Task<Sample> SampleAsync()
    {
        var fs = await redis.NewWorldAsync();
        var d = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var s = await fs.MkdirAsync(d.Ino, "s", 0x1ED, User).Ok();
        var f = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.WriteAsync(f.Ino, 0, "content"u8.ToArray(), User).Ok();
        await fs.SymlinkAsync(Root, "l", "/x", User).Ok();
        await fs.SetXattrAsync(f.Ino, "user.k", "v"u8.ToArray(), XattrFlags.None, User).Ok();
        var p = $"chronos:{{{fs.World}}}:";
        var sha = (string)(await redis.Redis.GetDatabase().HashGetAsync(p + "chunks:" + f.Ino, 0))!;
        await redis.AssertCleanAsync(fs.World);
        return new Sample(fs, p, d.Ino, s.Ino, f.Ino, sha);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "dangling entry", "does not exist" },
        { "entry without sequence", "no readdir sequence" },
        { "file nlink", "nlink 5, named by 1" },
        { "directory nlink", "expected 2 + 1 subdirectories" },
        { "cycle", "loops or breaks" },
        { "wrong parent field", "parent field" },
        { "refcount", "refcount 2, used by 1" },
        { "missing blob", "does not exist" },
        { "unused blob", "used by no chunk" },
        { "expiring used blob", "still expiring" },
        { "unopened orphan", "nobody has open" },
        { "inode usage", "usage: inodes counter" },
        { "byte usage", "usage: bytes counter" },
        { "chunk past size", "reaches past the size" },
        { "stray chunks", "does not exist" },
        { "xattr bytes", "xattr bytes" },
        { "handle counts", "clients hold" },
        { "next inode", "below the largest inode" },
        { "missing root", "root directory is missing" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Fsck_reports_a_hand_made_violation(string corruption, string expected)
    {
        var s = await SampleAsync();
        var db = redis.Redis.GetDatabase();
        var p = s.P;
        switch (corruption)
        {
            case "dangling entry":
                await db.HashSetAsync(p + "dir:1", "ghost", 9999);
                await db.SortedSetAddAsync(p + "dirseq:1", "ghost", 100);
                await db.HashSetAsync(p + "inode:1", "q", 100);
                break;
            case "entry without sequence":
                await db.SortedSetRemoveAsync(p + "dirseq:1", "f");
                break;
            case "file nlink":
                await db.HashSetAsync(p + "inode:" + s.File, "n", 5);
                break;
            case "directory nlink":
                await db.HashSetAsync(p + "inode:" + s.Dir, "n", 2);
                break;
            case "cycle":
                // d's entry moves under its own child s, and d's parent field follows: d -> s -> d.
                await db.HashDeleteAsync(p + "dir:1", "d");
                await db.SortedSetRemoveAsync(p + "dirseq:1", "d");
                await db.HashSetAsync(p + "dir:" + s.Sub, "d", s.Dir);
                await db.SortedSetAddAsync(p + "dirseq:" + s.Sub, "d", 3);
                await db.HashSetAsync(p + "inode:" + s.Sub, "q", 3);
                await db.HashSetAsync(p + "inode:" + s.Dir, "p", s.Sub);
                break;
            case "wrong parent field":
                await db.HashSetAsync(p + "inode:" + s.Sub, "p", 1);
                break;
            case "refcount":
                await db.HashIncrementAsync(p + "blobref", s.Sha, 1);
                break;
            case "missing blob":
                await db.KeyDeleteAsync(p + "blob:" + s.Sha);
                break;
            case "unused blob":
                await db.StringSetAsync(p + "blob:" + new string('0', 64), "x");
                break;
            case "expiring used blob":
                await db.KeyExpireAsync(p + "blob:" + s.Sha, TimeSpan.FromHours(1));
                break;
            case "unopened orphan":
                await db.HashDeleteAsync(p + "dir:1", "f");
                await db.SortedSetRemoveAsync(p + "dirseq:1", "f");
                await db.HashSetAsync(p + "inode:" + s.File, "n", 0);
                break;
            case "inode usage":
                await db.HashIncrementAsync(p + "usage", "i", 1);
                break;
            case "byte usage":
                await db.HashIncrementAsync(p + "usage", "b", -3);
                break;
            case "chunk past size":
                await db.HashSetAsync(p + "inode:" + s.File, "s", 3);
                break;
            case "stray chunks":
                await db.HashSetAsync(p + "chunks:4242", 0, s.Sha);
                break;
            case "xattr bytes":
                await db.HashSetAsync(p + "xattr:" + s.File, "user.k", "longer value");
                break;
            case "handle counts":
                await db.HashSetAsync(p + "handles", s.File, 2);
                break;
            case "next inode":
                await db.StringSetAsync(p + "next_ino", 1);
                break;
            case "missing root":
                await db.KeyDeleteAsync(p + "inode:1");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption));
        }
        var report = await redis.Catalog.FsckAsync(s.Fs.World);
        Assert.False(report.Clean);
        Assert.Contains(report.Violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fsck_counts_inodes_and_chunks_of_a_clean_world()
    {
        var s = await SampleAsync();
        var report = await redis.Catalog.FsckAsync(s.Fs.World);
        Assert.True(report.Clean, report.ToString());
        Assert.Equal(5, report.Inodes);
        Assert.Equal(1, report.Chunks);
    }
}
