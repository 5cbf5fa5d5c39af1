using Chronos.Hypervisor.Worlds;

namespace Chronos.Fuse.Tests;

/// <summary>A world layered on a lower directory the fixture builds: files, subdirectories, symlinks, an empty file, a fifo.</summary>
public class LayeredWorld : MountedWorld
{
    public string Lower => Path.Combine(Scratch, "lower");

    protected override WorldSpec Spec => new(World) { LowerDirectory = Lower };

    protected override WorldMountOptions Options => new() { LowerDirectory = Lower, LowerInclude = Include };

    protected virtual IReadOnlyList<string> Include => [];

    protected override async Task PrepareAsync()
    {
        Directory.CreateDirectory(Lower);
        await ShAsync("""
            mkdir -p etc usr/bin usr/lib/deep/er home/user
            echo 'root:x:0:0:root:/root:/bin/bash' > etc/passwd
            printf 'secret' > etc/shadow && chmod 640 etc/shadow && chown 0:42 etc/shadow
            head -c 300000 /dev/urandom > usr/bin/tool && chmod 755 usr/bin/tool
            echo deep > usr/lib/deep/er/file
            : > etc/empty
            ln -s usr/bin bin
            ln -s /etc/hostname usr/abs-link
            ln -s ../../.. usr/lib/up
            mkfifo usr/pipe
            echo hi > home/user/.profile && chown 1000:1000 home/user home/user/.profile
            touch -d @1500000000 etc/passwd
            """, Lower);
    }

    /// <summary>sha256 and lstat of every lower path: equal before and after means the layer was never written.</summary>
    public Task<string> LowerFingerprintAsync() => ShAsync("""
        find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort
        find . -type f -exec sha256sum {} + | sort -k2
        """, Lower);
}
