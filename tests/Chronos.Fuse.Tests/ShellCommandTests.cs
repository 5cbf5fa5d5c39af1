namespace Chronos.Fuse.Tests;

/// <summary>Real programs (coreutils, tar, git, python3) against a mounted world, each in its own directory.</summary>
public sealed class ShellCommandTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    private async Task<string> InFreshDirectoryAsync(string script, TimeSpan? timeout = null)
    {
        var dir = "t" + Guid.NewGuid().ToString("N")[..8];
        return await world.ShAsync($"mkdir {dir} && cd {dir}\n{script}", timeout: timeout);
    }

    [Fact]
    public async Task Mkdir_p_mv_and_rm_rf()
    {
        var output = await InFreshDirectoryAsync("""
            mkdir -p a/b/c
            echo one > a/b/c/f
            mv a/b/c a/c2
            mv a/c2/f a/c2/g
            find . | sort
            rm -rf a
            ls -A | wc -l
            """);
        Assert.Equal("./a\n./a/b\n./a/c2\n./a/c2/g\n.\n0\n".Split('\n').Order(), output.Split('\n').Order());
    }

    [Fact]
    public async Task Hard_links_and_symlinks()
    {
        var output = await InFreshDirectoryAsync("""
            echo data > f
            ln f hard
            ln -s f soft
            ln -s /nowhere dangling
            stat -c '%h' f
            cat hard soft
            readlink soft dangling
            [ "$(stat -c %i f)" = "$(stat -c %i hard)" ] && echo same-inode
            rm f
            stat -c '%h' hard
            cat soft 2>&1 || true
            """);
        Assert.Equal(
            "2\ndata\ndata\nf\n/nowhere\nsame-inode\n1\ncat: soft: No such file or directory\n",
            output);
    }

    [Fact]
    public async Task Chmod_chown_and_stat()
    {
        var output = await InFreshDirectoryAsync("""
            touch f && mkdir d
            chmod 4751 f
            chown 1000:33 f
            chmod g+s d && chown 0:50 d
            touch d/inherits && mkdir d/sub
            stat -c '%a %u %g %F' f d/inherits d/sub
            """);
        // chown clears the setuid bit of a regular file, even for root, as Linux does.
        Assert.Equal("751 1000 33 regular empty file\n644 0 50 regular empty file\n2755 0 50 directory\n", output);
    }

    [Fact]
    public async Task Find_sees_every_node_with_its_type()
    {
        var output = await InFreshDirectoryAsync("""
            mkdir -p x/y && touch x/y/z && ln -s y x/l && mkfifo x/p
            find . -printf '%p %y\n' | sort
            """);
        Assert.Equal(". d\n./x d\n./x/l l\n./x/p p\n./x/y d\n./x/y/z f\n", output);
    }

    [Fact]
    public async Task Tar_round_trip_of_a_real_tree_keeps_every_byte()
    {
        var output = await InFreshDirectoryAsync("""
            tar -C /usr/share/doc -cf - bash | tar -xf -
            (cd /usr/share/doc && find bash -type f -exec sha256sum {} + | sort -k2) > /tmp/expected.$$
            find bash -type f -exec sha256sum {} + | sort -k2 > /tmp/actual.$$
            diff /tmp/expected.$$ /tmp/actual.$$ && echo identical
            tar -cf - bash | tar -tf - | wc -l
            rm -f /tmp/expected.$$ /tmp/actual.$$
            """);
        Assert.StartsWith("identical\n", output);
    }

    [Fact]
    public async Task Dd_of_100_MiB_reads_back_with_the_same_sha256()
    {
        var source = Path.Combine(world.Scratch, "random-100m");
        var output = await InFreshDirectoryAsync($"""
            head -c 100M /dev/urandom > {source}
            dd if={source} of=big bs=1M status=none
            dd if=big of={source}.back bs=1M status=none
            a=$(sha256sum < {source}); b=$(sha256sum < big); c=$(sha256sum < {source}.back)
            [ "$a" = "$b" ] && [ "$b" = "$c" ] && echo same
            stat -c %s big
            rm -f {source} {source}.back
            """, TimeSpan.FromMinutes(3));
        Assert.Equal("same\n104857600\n", output);
    }

    [Fact]
    public async Task Git_init_add_commit_and_log()
    {
        var output = await InFreshDirectoryAsync("""
            export HOME=$PWD GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
            git init -q repo && cd repo
            echo hello > README && mkdir src && echo 'int main(){}' > src/main.c
            git add . && git commit -qm first
            echo more >> README && git commit -qam second
            git log --format=%s
            git fsck --strict 2>&1 | grep -v '^Checking' || true
            git status --porcelain | wc -l
            """);
        Assert.Equal("second\nfirst\n0\n", output);
    }

    [Fact]
    public async Task Python_writes_then_os_replace_is_atomic()
    {
        var output = await InFreshDirectoryAsync("""
            python3 - <<'PY'
            import os
            with open("config", "w") as f:
                f.write("old\n")
            for i in range(20):
                with open("config.tmp", "w") as f:
                    f.write(f"version {i}\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace("config.tmp", "config")
            print(open("config").read(), end="")
            print(sorted(os.listdir(".")))
            PY
            """);
        Assert.Equal("version 19\n['config']\n", output);
    }

    [Fact]
    public async Task A_read_through_another_descriptor_sees_unflushed_writes()
    {
        var output = await InFreshDirectoryAsync("""
            python3 - <<'PY'
            import os
            w = os.open("f", os.O_CREAT | os.O_WRONLY, 0o644)
            r = os.open("f", os.O_RDONLY)
            os.write(w, b"abc")
            os.write(w, b"def")
            print(os.pread(r, 100, 0).decode(), os.fstat(r).st_size, os.stat("f").st_size)
            os.ftruncate(w, 2)
            print(os.pread(r, 100, 0).decode(), os.stat("f").st_size)
            os.lseek(w, 10, 0)
            os.write(w, b"Z")
            data = os.pread(r, 100, 0)
            print(len(data), data[-1:].decode(), data[2:10] == bytes(8))
            PY
            """);
        Assert.Equal("abcdef 6 6\nab 2\n11 Z True\n", output);
    }

    [Fact]
    public async Task An_unlinked_file_stays_usable_while_open()
    {
        var output = await InFreshDirectoryAsync("""
            python3 - <<'PY'
            import os
            fd = os.open("doomed", os.O_CREAT | os.O_RDWR, 0o600)
            os.write(fd, b"still here")
            os.unlink("doomed")
            print(os.path.exists("doomed"), os.fstat(fd).st_nlink)
            os.write(fd, b"!")
            print(os.pread(fd, 100, 0).decode())
            os.close(fd)
            PY
            """);
        Assert.Equal("False 0\nstill here!\n", output);
        var report = await world.Catalog.FsckAsync(world.World);
        Assert.True(report.Clean, report.ToString());
    }

    [Fact]
    public async Task Extended_attributes_follow_the_size_probe_rules()
    {
        var output = await InFreshDirectoryAsync("""
            touch f
            python3 - <<'PY'
            import os, errno
            os.setxattr("f", "user.color", b"blue")
            print(os.getxattr("f", "user.color").decode(), os.listxattr("f"))
            try:
                os.setxattr("f", "user.color", b"red", os.XATTR_CREATE)
            except OSError as e:
                print(errno.errorcode[e.errno])
            try:
                os.getxattr("f", "user.none")
            except OSError as e:
                print(errno.errorcode[e.errno])
            os.removexattr("f", "user.color")
            print(os.listxattr("f"))
            PY
            setfattr -n user.big -v "$(head -c 3000 /dev/zero | tr '\0' x)" f
            getfattr --only-values -n user.big f | wc -c
            """);
        Assert.Equal("blue ['user.color']\nEEXIST\nENODATA\n[]\n3000\n", output);
    }

    [Fact]
    public async Task Statfs_reports_the_world()
    {
        // Each probe on its own line with its status, and every line compared, so that a failure
        // shows which probe went wrong and how (this test once failed about 1 run in 15 with
        // nothing of its output kept; 62 runs since at load 30-70, 40 alone, 14 with its class and 8
        // of the whole assembly, never failed).
        var result = await world.BashAsync("""
            set +e
            stat -f -c '%l' .; echo "[stat $?]"
            df --output=fstype,source . | tail -1; echo "[df ${PIPESTATUS[0]}]"
            grep " $PWD " /proc/mounts | cut -d' ' -f3,4; echo "[mounts ${PIPESTATUS[0]}]"
            """);
        string[] expected =
        [
            "255", "[stat 0]",
            "fuse.chronos chronos", "[df 0]",
            "fuse.chronos rw,nosuid,nodev,relatime,user_id=0,group_id=0,default_permissions,allow_other", "[mounts 0]",
            "",
        ];
        Assert.True(expected.SequenceEqual(result.StandardOutput.Split('\n')), $"stdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
    }
}
