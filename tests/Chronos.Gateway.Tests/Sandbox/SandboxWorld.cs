using Chronos.Gateway.Sandbox;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Sandbox;

/// <summary>
/// A small world on disk, owned as a world mount shows it (persona ids shifted by 100000), with
/// the host's /usr bound read-only: what a session sees when its world has a lower layer.
/// </summary>
public sealed class SandboxWorld : IAsyncLifetime
{
    public const uint Shift = 100_000;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "chronos-sbx-" + Guid.NewGuid().ToString("N")[..10]);

    public async Task InitializeAsync()
    {
        await SeedAsync(Root, Shift);
        SubordinateIds.Ensure(Shift, 65_536);
    }

    /// <summary>
    /// Writes the small world (passwd, group, shadow, hostname, homes, /tmp, the /bin → /usr/bin
    /// links) into <paramref name="root"/>, owned as persona ids plus <paramref name="shift"/>:
    /// shifted for a directory the sandbox uses as its root, 0 for a world's lower layer.
    /// </summary>
    public static async Task SeedAsync(string root, uint shift) =>
        (await ProcessRunner.BashAsync(
            $"""
            r={root}
            mkdir -p $r/etc $r/root $r/home/alice $r/tmp $r/proc $r/dev $r/usr $r/var/log $r/mnt $r/srv
            ln -s usr/bin $r/bin; ln -s usr/lib $r/lib; ln -s usr/lib64 $r/lib64; ln -s usr/sbin $r/sbin
            printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n' > $r/etc/passwd
            printf 'root:x:0:\nshadow:x:42:\nalice:x:1000:\n' > $r/etc/group
            printf 'root:$6$salt$hash:19000:0:99999:7:::\nalice:$6$salt$hash2:19000:0:99999:7:::\n' > $r/etc/shadow
            echo web01 > $r/etc/hostname
            chown -R {shift}:{shift} $r
            chown {shift + 1000}:{shift + 1000} $r/home/alice
            chown {shift}:{shift + 42} $r/etc/shadow && chmod 640 $r/etc/shadow
            chmod 700 $r/root; chmod 1777 $r/tmp
            """)).EnsureSuccess();

    public SandboxSpec Spec(string user, string? command = null, SandboxLimits? limits = null)
    {
        var (uid, home) = user == "root" ? (0u, "/root") : (1000u, "/home/alice");
        return new SandboxSpec
        {
            SessionId = "t" + Guid.NewGuid().ToString("N")[..12],
            RootDirectory = Root,
            ReadOnlyBinds = [new("/usr", "/usr")],
            Hostname = "web01",
            UserName = user,
            Uid = uid,
            Gid = uid,
            Home = home,
            Command = command,
            IdShift = Shift,
            Limits = limits ?? new SandboxLimits(),
        };
    }

    public async Task DisposeAsync() =>
        await ProcessRunner.BashAsync($"rm -rf {Root}");
}
