using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// Creates issued at once by many callers of one world go to Redis in batches (group commit);
/// each create must still be its own unit: its own errno, its own inode, its own audit event,
/// and no create's failure may change another's result.
/// </summary>
public sealed class GroupCommitTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const uint File = FileModes.S_IFREG | 0x1A4;

    [Fact]
    public async Task Concurrent_creates_with_failures_mixed_in_each_get_their_own_result()
    {
        // Root, a directory and a file use three inodes; 30 more fit.
        var fs = await redis.NewWorldAsync(quotaInodes: 33);
        var dir = await fs.MkdirAsync(Root, "d", 0x1ED, User).Ok();
        var file = await fs.MknodAsync(Root, "file", File, 0, User).Ok();

        // 40 names, each asked for twice or three times, in the root and in d, interleaved with
        // creates that must fail on their own: a parent that does not exist, a parent that is a
        // file, a name taken before the race.
        var calls = new List<(string Kind, string Name, Func<ValueTask<FsResult<InodeAttributes>>> Create)>();
        for (var i = 0; i < 100; i++)
        {
            var k = i;
            var name = "n" + (i % 40);
            var parent = i % 2 == 0 ? Root : dir.Ino;
            var ctx = new OpContext("s" + i, (uint)i, 0);
            calls.Add(("new", (parent == Root ? "/" : "/d/") + name, () => k % 3 == 0
                ? fs.MkdirAsync(parent, name, 0x1ED, ctx)
                : fs.MknodAsync(parent, name, File, 0, ctx)));
            switch (i % 10)
            {
                case 3:
                    calls.Add(("no parent", "", () => fs.MknodAsync(999_999, "x" + k, File, 0, ctx)));
                    break;
                case 6:
                    calls.Add(("file parent", "", () => fs.MknodAsync(file.Ino, "x" + k, File, 0, ctx)));
                    break;
                case 9:
                    calls.Add(("taken", "", () => fs.MknodAsync(Root, "d", File, 0, ctx)));
                    break;
            }
        }
        // Started together from one thread so they queue behind the calls already out.
        var tasks = calls.Select(c => c.Create().AsTask()).ToArray();
        var results = await Task.WhenAll(tasks);
        var outcomes = calls.Zip(results, (c, r) => (c.Kind, c.Name, Result: r)).ToList();

        Assert.All(outcomes.Where(o => o.Kind == "no parent"), o => Assert.Equal(Errno.ENOENT, o.Result.Error));
        Assert.All(outcomes.Where(o => o.Kind == "file parent"), o => Assert.Equal(Errno.ENOTDIR, o.Result.Error));
        Assert.All(outcomes.Where(o => o.Kind == "taken"), o => Assert.Equal(Errno.EEXIST, o.Result.Error));

        // Each path: one winner and EEXIST for the rest, or (quota full) ENOSPC for every attempt.
        var created = outcomes.Where(o => o.Kind == "new").ToList();
        foreach (var attempts in created.GroupBy(o => o.Name))
        {
            var wins = attempts.Count(o => o.Result.IsOk);
            if (wins == 0)
            {
                Assert.All(attempts, o => Assert.Equal(Errno.ENOSPC, o.Result.Error));
            }
            else
            {
                Assert.Equal(1, wins);
                Assert.All(attempts.Where(o => !o.Result.IsOk), o => Assert.Equal(Errno.EEXIST, o.Result.Error));
            }
        }
        var winners = created.Where(o => o.Result.IsOk).ToList();
        Assert.Equal(30, winners.Count);
        Assert.Equal(30, winners.Select(o => o.Result.Value.Ino).Distinct().Count());
        foreach (var w in winners)
        {
            var parent = w.Name.StartsWith("/d/", StringComparison.Ordinal) ? dir.Ino : Root;
            var found = await fs.LookupAsync(parent, w.Name[(w.Name.LastIndexOf('/') + 1)..]).Ok();
            Assert.Equal(w.Result.Value.Ino, found.Ino);
            Assert.Equal(w.Result.Value.Mode, found.Mode);
        }

        // One audit event per successful create, none for a failed one, each with its caller's session.
        var events = await new AuditLog(redis.Redis).ReadAsync(fs.World);
        var createEvents = events.Where(e => e.Op is "mknod" or "mkdir" && e.Session != User.SessionId).ToList();
        Assert.Equal(winners.Select(w => w.Result.Value.Ino).Order(), createEvents.Select(e => e.Ino).Order());
        foreach (var e in createEvents)
        {
            Assert.Equal("s" + (await fs.GetAttrAsync(e.Ino)).Ok().Uid, e.Session);
        }
        Assert.Equal(33, (await redis.Catalog.GetAsync(fs.World))!.UsedInodes);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Directories_created_together_each_raise_the_parent_link_count_and_list_in_order()
    {
        var fs = await redis.NewWorldAsync();
        var tasks = Enumerable.Range(0, 50).Select(i => fs.MkdirAsync(Root, "d" + i, 0x1ED, User).AsTask()).ToArray();
        var made = await Task.WhenAll(tasks);
        Assert.All(made, r => Assert.True(r.IsOk));
        Assert.Equal(2u + 50, (await fs.GetAttrAsync(Root)).Ok().Nlink);
        // Paging cookies follow creation order: the listing has every entry exactly once.
        var listed = await fs.ListAsync(Root, page: 7);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "d" + i).Order(), listed.Select(e => e.Name).Where(n => n.StartsWith('d')).Order());
        Assert.Equal(listed.Count, listed.Select(e => e.Name).Distinct().Count());
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Creates_batched_in_a_set_group_id_directory_take_its_group_and_others_keep_their_own()
    {
        var fs = await redis.NewWorldAsync();
        var shared = await fs.MkdirAsync(Root, "shared", 0x1FD, User).Ok();
        await fs.SetAttrAsync(shared.Ino, new SetAttrRequest { Mode = 0x400 | 0x1FD, Gid = 50 }, User).Ok();
        var plain = await fs.MkdirAsync(Root, "plain", 0x1ED, User).Ok();

        // Callers of group 7 create files and directories in both at once, from one thread so
        // they queue and go out in batches that mix the two parents.
        var ctx = new OpContext("g", 1000, 7);
        var tasks = Enumerable.Range(0, 40).Select(i =>
        {
            var parent = i % 2 == 0 ? shared.Ino : plain.Ino;
            return (i % 4 < 2 ? fs.MkdirAsync(parent, "d" + i, 0x1ED, ctx) : fs.MknodAsync(parent, "f" + i, File, 0, ctx)).AsTask();
        }).ToArray();
        var made = await Task.WhenAll(tasks);

        for (var i = 0; i < made.Length; i++)
        {
            var node = made[i].Ok();
            var stored = (await fs.GetAttrAsync(node.Ino)).Ok();
            var inShared = i % 2 == 0;
            var isDir = i % 4 < 2;
            Assert.Equal(inShared ? 50u : 7u, node.Gid);
            Assert.Equal(node.Gid, stored.Gid);
            Assert.Equal(1000u, stored.Uid);
            // Only directories made in the set-group-ID directory inherit its S_ISGID bit.
            Assert.Equal(inShared && isDir, (node.Mode & 0x400) != 0);
            Assert.Equal(node.Mode, stored.Mode);
            Assert.Equal(isDir ? FileModes.S_IFDIR : FileModes.S_IFREG, stored.Mode & FileModes.S_IFMT);
        }
        Assert.Equal(2u + 10, (await fs.GetAttrAsync(shared.Ino)).Ok().Nlink);
        Assert.Equal(2u + 10, (await fs.GetAttrAsync(plain.Ino)).Ok().Nlink);
        await redis.AssertCleanAsync(fs.World);
    }

    [Fact]
    public async Task Every_queued_create_is_sent_however_releases_and_enqueues_interleave()
    {
        // One call in flight makes every enqueue race the release of the call that is out: the
        // case where two backing-off attempts once left creates queued with no call out, forever.
        var fs = await redis.NewWorldAsync();
        var commit = new CreateGroupCommit(new ScriptRunner(redis.Redis, NullLogger.Instance), new Keys(fs.World), maxInFlight: 1);
        var profile = new CreateProfile(Root, "stress", "mknod", File, 0, 0, 0, "", WantParent: false);
        const int Callers = 128, PerCaller = 300;
        var callers = Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < PerCaller; i++)
            {
                var reply = await commit.CreateAsync(new CreateRequest(profile, $"c{c}-{i}"));
                Assert.Equal(Errno.None, reply.Error);
            }
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(Callers * PerCaller, (await fs.ListAsync(Root, page: 4096)).Count(e => e.Name.StartsWith('c')));
        await redis.AssertCleanAsync(fs.World);
    }
}
