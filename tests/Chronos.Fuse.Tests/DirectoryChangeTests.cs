using Chronos.Fuse.FileSystem;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.Tests;

/// <summary>
/// When the attributes a change's own script read may answer the kernel's next GETATTR, and when
/// they must not: only when nothing else changed the directory (here or elsewhere) while the
/// change was out, because then nothing can have reached Redis after it unseen.
/// </summary>
public sealed class DirectoryChangeTests
{
    private static InodeAttributes Dir(ulong ino, uint nlink, long ctime) => new()
    {
        Ino = ino,
        Mode = FileModes.S_IFDIR | 0x1ED,
        Nlink = nlink,
        Uid = 0,
        Gid = 0,
        Size = 4096,
        Blocks = 0,
        Atime = default,
        Mtime = Timespec.FromUnixNanoseconds(ctime),
        Ctime = Timespec.FromUnixNanoseconds(ctime),
    };

    private static async Task<InodeAttributes?> TakeAsync(Node node) =>
        node.TakePrefetch(60_000) is { } fetch ? (await fetch).Value : null;

    [Fact]
    public async Task A_change_alone_keeps_its_attributes_for_one_getattr()
    {
        var node = new Node(7);
        var change = new DirectoryChange(node);
        change.DirectoryChanged(Dir(7, 3, 100));
        Assert.True(change.Complete());
        Assert.Equal(Dir(7, 3, 100), await TakeAsync(node));
        Assert.Null(await TakeAsync(node));
    }

    [Fact]
    public async Task Attributes_of_another_inode_or_none_at_all_are_not_kept()
    {
        var node = new Node(7);
        var other = new DirectoryChange(node);
        other.DirectoryChanged(Dir(8, 3, 100));
        Assert.False(other.Complete());
        Assert.Null(await TakeAsync(node));
        Assert.False(new DirectoryChange(node).Complete());
        Assert.False(new DirectoryChange(null).Complete());
    }

    [Fact]
    public async Task Two_overlapping_changes_keep_neither_whichever_completes_last()
    {
        // Redis may have run them in either order: the reply of the one that completes last here
        // may be the older state.
        foreach (var firstCompletesFirst in new[] { true, false })
        {
            var node = new Node(7);
            var first = new DirectoryChange(node);
            var second = new DirectoryChange(node);
            first.DirectoryChanged(Dir(7, 3, 100));
            second.DirectoryChanged(Dir(7, 4, 200));
            if (firstCompletesFirst)
            {
                Assert.True(first.Complete());
                Assert.False(second.Complete());
            }
            else
            {
                Assert.True(second.Complete());
                Assert.False(first.Complete());
            }
            Assert.Null(await TakeAsync(node));
        }
    }

    [Fact]
    public async Task A_notice_or_another_change_while_out_drops_the_attributes()
    {
        var node = new Node(7);
        var change = new DirectoryChange(node);
        node.DropPrefetch(); // a notice from another mount, lost notices, or a chmod here
        change.DirectoryChanged(Dir(7, 3, 100));
        Assert.False(change.Complete());
        Assert.Null(await TakeAsync(node));

        // A read started after a change here completed counts as that change.
        change = new DirectoryChange(node);
        node.Prefetch(Task.FromResult<FsResult<InodeAttributes>>(Dir(7, 5, 300)));
        change.DirectoryChanged(Dir(7, 3, 100));
        Assert.False(change.Complete());
        Assert.Null(await TakeAsync(node));

        // A later notice drops what was kept.
        change = new DirectoryChange(node);
        change.DirectoryChanged(Dir(7, 3, 400));
        Assert.True(change.Complete());
        node.DropPrefetch();
        Assert.Null(await TakeAsync(node));
    }

    [Fact]
    public async Task Racing_changes_never_leave_attributes_older_than_the_last_completed()
    {
        // Each change's reply carries a version (its ctime). Whatever the interleaving, what a
        // GETATTR can take is either nothing or the newest completed change's reply.
        var node = new Node(7);
        var version = 0L;
        var newestCompleted = 0L;
        var gate = new Lock();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var change = new DirectoryChange(node);
                long mine;
                lock (gate)
                {
                    mine = ++version; // the order Redis ran them in
                }
                change.DirectoryChanged(Dir(7, 2, mine));
                lock (gate)
                {
                    // Completion order may differ from Redis order: a reply is kept only when
                    // no change completed while it was out, so none newer has completed.
                    if (change.Complete())
                    {
                        Assert.True(mine > newestCompleted);
                    }
                    newestCompleted = Math.Max(newestCompleted, mine);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var left = await TakeAsync(node);
        Assert.True(left is null || left.Ctime.ToUnixNanoseconds() == newestCompleted);
    }
}
