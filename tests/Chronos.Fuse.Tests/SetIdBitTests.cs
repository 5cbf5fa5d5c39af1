namespace Chronos.Fuse.Tests;

/// <summary>
/// Who may keep a setuid or setgid bit, with Linux (a tmpfs) as the reference: the same script
/// runs in a tmpfs and in a mounted world, partly as root and partly as an unprivileged uid that
/// is not in the directory's group, and every file's mode, owner and group must come out equal.
/// Covers inode_init_owner (a setgid directory's group, S_ISGID kept only for members or
/// CAP_FSETID), chmod by a non-member, and the clearing of setuid/setgid on write, truncate and
/// chown.
/// </summary>
public sealed class SetIdBitTests(SetIdBitTests.SetIdWorld world) : IClassFixture<SetIdBitTests.SetIdWorld>
{
    /// <summary>A world of its own: the script chowns and chmods in its root.</summary>
    public sealed class SetIdWorld : MountedWorld;

    private const string AsRootBefore = """
        umask 022
        mkdir -m 1777 play
        mkdir play/sgid
        chown 0:50 play/sgid
        chmod 2777 play/sgid
        """;

    /// <summary>uid 1000, gid 1000, no supplementary groups: not a member of group 50.</summary>
    private const string AsUser = """
        setpriv --reuid=1000 --regid=1000 --clear-groups /bin/bash -euo pipefail <<'EOF'
        umask 022
        cd play
        touch own && chmod 2755 own
        touch sgid/f && chmod 2755 sgid/f
        touch sgid/f-nox && chmod 2745 sgid/f-nox
        /usr/bin/python3 -c "import os; os.close(os.open('sgid/created', os.O_CREAT | os.O_WRONLY, 0o2755))"
        mkdir sgid/sub
        mkdir -m 2755 sgid/sub2
        touch written && chmod 6775 written && echo data >> written
        touch written-nox && chmod 6745 written-nox && echo data >> written-nox
        touch truncated && chmod 6775 truncated && echo data > t.src && truncate -s 1 truncated
        touch otrunc && chmod 6775 otrunc && : > otrunc
        touch kept && chmod 6775 kept && cat kept > /dev/null
        EOF
        """;

    private const string AsRootAfter = """
        cd play
        touch root-chown && chmod 6755 root-chown && chown 1000:1000 root-chown
        touch root-chgrp && chmod 6755 root-chgrp && chgrp 50 root-chgrp
        touch root-written && chmod 6755 root-written && echo data >> root-written
        mkdir dir-chown && chmod 6755 dir-chown && chown 1000 dir-chown
        cd ..
        """;

    /// <summary>Every node's kind and mode, owner and group, one line each.</summary>
    private const string Listing = "find play -mindepth 1 -printf '%p %M %U %G\\n' | sort";

    [Fact]
    public async Task Setid_bits_are_kept_and_cleared_as_on_tmpfs()
    {
        var script = AsRootBefore + "\n" + AsUser + "\n" + AsRootAfter;
        var reference = Path.Combine(world.Scratch, "tmpfs-setid");
        Directory.CreateDirectory(reference);
        await world.ShAsync($"mount -t tmpfs -o size=16m tmpfs {reference}");
        try
        {
            var expected = await world.ShAsync(script + "\n" + Listing, reference);
            // The reference itself must show what the test is about, or it proves nothing.
            Assert.Contains("play/sgid/f -rwxr-xr-x 1000 50\n", expected, StringComparison.Ordinal);
            Assert.Contains("play/written -rwxrwxr-x 1000 1000\n", expected, StringComparison.Ordinal);
            Assert.Contains("play/otrunc -rwxrwxr-x 1000 1000\n", expected, StringComparison.Ordinal);
            var actual = await world.ShAsync(script + "\n" + Listing, world.MountPoint);
            Assert.Equal(expected.Split('\n'), actual.Split('\n'));
            // What Redis holds, not only what this mount's kernel cached: a fresh mount reads it.
            var fresh = Path.Combine(world.Scratch, "fresh");
            await world.MountAsync(fresh);
            Assert.Equal(expected.Split('\n'), (await world.ShAsync(Listing, fresh)).Split('\n'));
        }
        finally
        {
            await world.BashAsync($"umount {reference}", "/");
        }
    }
}
