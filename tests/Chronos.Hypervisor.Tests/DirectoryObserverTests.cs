using System.Collections.Concurrent;
using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// A verb that changes a directory's entries tells the operation's observer the directory's
/// attributes as its own script left them (a FUSE mount answers the kernel's next GETATTR with
/// them). They must be exactly what a read right after the change gives, and only successes
/// report.
/// </summary>
public sealed class DirectoryObserverTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    private sealed class Recorder : IDirectoryObserver
    {
        public ConcurrentQueue<InodeAttributes> Seen { get; } = new();

        public void DirectoryChanged(InodeAttributes directory) => Seen.Enqueue(directory);
    }

    private static OpContext Observed(out Recorder recorder)
    {
        recorder = new Recorder();
        return User with { Observer = recorder };
    }

    public static TheoryData<string> Verbs => ["mknod", "mkdir", "symlink", "link", "unlink", "rmdir"];

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Each_verb_reports_the_directory_as_a_read_right_after_it_sees_it(string verb)
    {
        var fs = await redis.NewWorldAsync();
        var dir = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var file = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        await fs.MkdirAsync(dir.Ino, "sub", 0x1ED, User).Ok();
        await fs.MknodAsync(dir.Ino, "g", File, 0, User).Ok();
        var before = await fs.GetAttrAsync(dir.Ino).Ok();

        var context = Observed(out var recorder);
        var ok = verb switch
        {
            "mknod" => (await fs.MknodAsync(dir.Ino, "new", File, 0, context)).IsOk,
            "mkdir" => (await fs.MkdirAsync(dir.Ino, "new", 0x1ED, context)).IsOk,
            "symlink" => (await fs.SymlinkAsync(dir.Ino, "new", "/etc/passwd", context)).IsOk,
            "link" => (await fs.LinkAsync(file.Ino, dir.Ino, "new", context)).IsOk,
            "unlink" => (await fs.UnlinkAsync(dir.Ino, "g", context)).IsOk,
            "rmdir" => (await fs.RmdirAsync(dir.Ino, "sub", context)).IsOk,
            _ => throw new ArgumentOutOfRangeException(nameof(verb)),
        };
        Assert.True(ok);

        var after = await fs.GetAttrAsync(dir.Ino).Ok();
        var seen = Assert.Single(recorder.Seen);
        Assert.Equal(after, seen);
        Assert.True(seen.Mtime.ToUnixNanoseconds() > before.Mtime.ToUnixNanoseconds());
        var nlinkChange = verb switch { "mkdir" => 1, "rmdir" => -1, _ => 0 };
        Assert.Equal(before.Nlink + nlinkChange, seen.Nlink);
    }

    [Fact]
    public async Task Link_returns_the_inode_with_its_new_link_count()
    {
        var fs = await redis.NewWorldAsync();
        var file = await fs.MknodAsync(Root, "f", File, 0, User).Ok();
        var linked = await fs.LinkAsync(file.Ino, Root, "f2", User).Ok();
        Assert.Equal(2u, linked.Nlink);
        Assert.Equal(await fs.GetAttrAsync(file.Ino).Ok(), linked);
    }

    [Fact]
    public async Task Failures_report_nothing()
    {
        var fs = await redis.NewWorldAsync();
        var dir = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var file = await fs.MknodAsync(dir.Ino, "f", File, 0, User).Ok();
        await fs.MkdirAsync(dir.Ino, "full", 0x1ED, User).Ok();
        await fs.MknodAsync(dir.Ino, "full2", File, 0, User).Ok();
        await fs.MknodAsync((await fs.LookupAsync(dir.Ino, "full").Ok()).Ino, "x", File, 0, User).Ok();

        var context = Observed(out var recorder);
        Assert.Equal(Errno.EEXIST, await fs.MknodAsync(dir.Ino, "f", File, 0, context).Err());
        Assert.Equal(Errno.EEXIST, await fs.MkdirAsync(dir.Ino, "f", 0x1ED, context).Err());
        Assert.Equal(Errno.ENOENT, await fs.UnlinkAsync(dir.Ino, "missing", context).Err());
        Assert.Equal(Errno.EISDIR, await fs.UnlinkAsync(dir.Ino, "full", context).Err());
        Assert.Equal(Errno.ENOTEMPTY, await fs.RmdirAsync(dir.Ino, "full", context).Err());
        Assert.Equal(Errno.EEXIST, await fs.LinkAsync(file.Ino, dir.Ino, "full2", context).Err());
        Assert.Equal(Errno.ENOTDIR, await fs.MknodAsync(file.Ino, "x", File, 0, context).Err());
        Assert.Empty(recorder.Seen);
    }

    [Fact]
    public async Task Concurrent_creates_each_report_their_own_parent_after_their_batch()
    {
        var fs = await redis.NewWorldAsync();
        var a = await fs.MkdirAsync(Root, "a", 0x1ED, User).Ok();
        var b = await fs.MkdirAsync(Root, "b", 0x1ED, User).Ok();

        // 200 creates at once (batched by group commit), in two directories, every third one
        // without an observer and every seventh one failing (EEXIST).
        var recorders = new List<(ulong Parent, Recorder? Recorder, bool Fails, Task<FsResult<InodeAttributes>> Create)>();
        for (var i = 0; i < 200; i++)
        {
            var parent = i % 2 == 0 ? a.Ino : b.Ino;
            var fails = i % 7 == 6;
            var name = fails ? "n" + (i - 1 - (i - 1) % 7) : "n" + i;
            Recorder? recorder = i % 3 == 0 ? null : new Recorder();
            var context = User with { Observer = recorder };
            recorders.Add((parent, recorder, fails, i % 5 == 0
                ? fs.MkdirAsync(parent, name, 0x1ED, context).AsTask()
                : fs.MknodAsync(parent, name, File, 0, context).AsTask()));
        }
        await Task.WhenAll(recorders.Select(r => r.Create));

        var finalA = await fs.GetAttrAsync(a.Ino).Ok();
        var finalB = await fs.GetAttrAsync(b.Ino).Ok();
        foreach (var (parent, recorder, _, create) in recorders)
        {
            var result = await create;
            if (recorder is null)
            {
                continue;
            }
            if (!result.IsOk)
            {
                Assert.Empty(recorder.Seen);
                continue;
            }
            var seen = Assert.Single(recorder.Seen);
            Assert.Equal(parent, seen.Ino);
            // What the batch left: at least this create's own time, and never beyond the end.
            Assert.True(seen.Mtime.ToUnixNanoseconds() >= result.Value.Ctime.ToUnixNanoseconds());
            var final = parent == a.Ino ? finalA : finalB;
            Assert.True(seen.Mtime.ToUnixNanoseconds() <= final.Mtime.ToUnixNanoseconds());
            Assert.InRange(seen.Nlink, 2u, final.Nlink);
        }
        // The reports of one batch are one state of the directory (same time, same attributes),
        // and a report made at the directory's final time is the directory as it stands. (The
        // last batch need not hold a create that asked, so no report need be that final state.)
        foreach (var (dir, final) in new[] { (a.Ino, finalA), (b.Ino, finalB) })
        {
            var reports = recorders.Where(r => r.Parent == dir && r.Recorder is not null)
                .SelectMany(r => r.Recorder!.Seen)
                .ToList();
            Assert.NotEmpty(reports);
            Assert.All(reports.GroupBy(r => r.Ctime), batch => Assert.Single(batch.Distinct()));
            Assert.All(reports.Where(r => r.Ctime == final.Ctime), r => Assert.Equal(final, r));
        }
    }
}
