namespace Chronos.Fuse.Tests;

/// <summary>
/// A world over a read-only lower directory: the lower tree shows through with its metadata,
/// changes copy a file up, deletions stick (whiteouts are state), inode numbers are stable, and
/// the lower directory is never written whatever happens in the mount.
/// </summary>
public sealed class LayerViewTests(LayeredWorld world) : IClassFixture<LayeredWorld>
{
    [Fact]
    public async Task Lower_tree_shows_through_with_its_metadata()
    {
        const string listing = "find . -mindepth 1 -printf '%p %y %m %U %G %s %l\\n' | sort";
        var expected = await world.ShAsync(listing, world.Lower);
        var actual = await world.ShAsync(listing);
        Assert.Equal(expected, actual);
        Assert.Equal(await world.ShAsync("sha256sum usr/bin/tool | cut -c1-64", world.Lower), await world.ShAsync("sha256sum usr/bin/tool | cut -c1-64"));
        Assert.Equal("1500000000\n", await world.ShAsync("stat -c %Y etc/passwd"));
    }

}

/// <summary>Changes to lower files copy them up.</summary>
public sealed class LayerCopyUpTests(LayeredWorld world) : IClassFixture<LayeredWorld>
{
    [Fact]
    public async Task Changing_a_lower_file_copies_it_up_and_leaves_the_lower_file_alone()
    {
        var before = await world.LowerFingerprintAsync();
        var output = await world.ShAsync("""
            ino=$(stat -c %i etc/passwd)
            echo 'pwn:x:0:0::/:/bin/sh' >> etc/passwd
            cat etc/passwd
            [ "$ino" = "$(stat -c %i etc/passwd)" ] && echo same-inode
            truncate -s 10 usr/lib/deep/er/file && wc -c < usr/lib/deep/er/file
            dd if=/dev/zero of=usr/bin/tool bs=1 count=4 seek=100 conv=notrunc status=none
            { cmp -l usr/bin/tool LOWER/usr/bin/tool || true; } | wc -l
            chmod 600 etc/shadow && chown 5:5 etc/shadow && stat -c '%a %u %g' etc/shadow
            touch new-file && mkdir -p etc/new-dir
            """.Replace("LOWER", world.Lower, StringComparison.Ordinal));
        Assert.Equal("root:x:0:0:root:/root:/bin/bash\npwn:x:0:0::/:/bin/sh\nsame-inode\n10\n4\n600 5 5\n", output);
        Assert.Equal(before, await world.LowerFingerprintAsync());
    }

}

/// <summary>The lower directory is read-only to everything in the mount.</summary>
public sealed class LayerReadOnlyTests(LayeredWorld world) : IClassFixture<LayeredWorld>
{
    [Fact]
    public async Task Writing_anything_through_the_mount_never_reaches_the_lower_directory()
    {
        var before = await world.LowerFingerprintAsync();
        await world.ShAsync("""
            set +e
            for f in $(find . -type f -path './usr/*'); do echo x >> "$f"; truncate -s 1 "$f"; done
            rm -rf home/user 2>/dev/null; mv etc etc2 2>/dev/null; chmod -R 777 usr 2>/dev/null
            ln -sf /tmp usr/lib/up 2>/dev/null; setfattr -n user.x -v 1 usr/bin/tool 2>/dev/null
            true
            """);
        Assert.Equal(before, await world.LowerFingerprintAsync());
    }

}

/// <summary>Whiteouts are state, and inode numbers do not depend on the layer or the mount.</summary>
public sealed class LayerRemountTests(LayeredWorld world) : IClassFixture<LayeredWorld>
{
    [Fact]
    public async Task Deleted_lower_files_stay_deleted_and_inode_numbers_stay_stable_across_remounts()
    {
        await world.ShAsync("mkdir -p remount && rm -rf usr/lib/deep && rm home/user/.profile");
        var inodes = await world.ShAsync("ls -liR --time-style=+ . | grep -v '^total'");
        await world.RemountAsync();
        Assert.Equal(inodes, await world.ShAsync("ls -liR --time-style=+ . | grep -v '^total'"));
        Assert.Equal("gone\n", await world.ShAsync("[ ! -e usr/lib/deep ] && [ ! -e home/user/.profile ] && echo gone"));
        Assert.Equal(
            await world.ShAsync("find . -printf '%i %p\\n' | sort"),
            await world.ShAsync("for p in $(find .); do echo \"$(stat -c %i $p) $p\"; done | sort"));
        var report = await world.Catalog.FsckAsync(world.World);
        Assert.True(report.Clean, report.ToString());
    }
}

/// <summary>A lower directory taken only in part: the include list names the top-level entries a world gets.</summary>
public sealed class LayerIncludeTests(LayerIncludeTests.PartialWorld world) : IClassFixture<LayerIncludeTests.PartialWorld>
{
    public sealed class PartialWorld : LayeredWorld
    {
        protected override IReadOnlyList<string> Include => ["usr", "bin"];
    }

    [Fact]
    public async Task Only_included_top_level_names_appear()
    {
        Assert.Equal("bin\nusr\n", await world.ShAsync("ls -A"));
        Assert.Equal("tool\n", await world.ShAsync("ls bin/"));
    }
}
