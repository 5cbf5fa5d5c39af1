using Chronos.Gateway.Sandbox;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Sandbox;

/// <summary>
/// A small world on disk, owned as a world mount shows it (persona ids shifted by 100000), with
/// the host's /usr bound read-only: what a session sees when its world has a lower layer.
/// <see cref="PersonaSpec"/> is the same world as a persona seeds it: its own /usr/lib/systemd/systemd,
/// /sbin/init and kernel files, with only the host's programs and libraries bound in.
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
            mkdir -p $r/usr/lib/systemd $r/usr/sbin $r/proc/sys/kernel
            : > $r/usr/lib/systemd/systemd; chmod 755 $r/usr/lib/systemd/systemd
            ln -s /lib/systemd/systemd $r/usr/sbin/init
            echo '{ProcVersion}' > $r/proc/version
            echo '{KernelRelease}' > $r/proc/sys/kernel/osrelease
            echo '#115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024' > $r/proc/sys/kernel/version
            chown -R {shift}:{shift} $r
            chown {shift + 1000}:{shift + 1000} $r/home/alice
            chown {shift}:{shift + 42} $r/etc/shadow && chmod 640 $r/etc/shadow
            chmod 700 $r/root; chmod 1777 $r/tmp
            """)).EnsureSuccess();

    public const string KernelRelease = "5.15.0-105-generic";

    public const string ProcVersion = "Linux version 5.15.0-105-generic (buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024";

    /// <summary>The sandbox's pid 1, built next to the tests by the Gateway project.</summary>
    public static string InitProgram { get; } = Path.Combine(AppContext.BaseDirectory, "chronos-init");

    /// <summary>A session as the Gateway starts one in a persona world: pid 1 shown as /sbin/init, the persona's kernel over /proc's.</summary>
    public SandboxSpec PersonaSpec(string user, string? command = null) => Spec(user, command) with
    {
        ReadOnlyBinds = [.. new[] { "/usr/bin", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/share" }.Select(d => new KeyValuePair<string, string>(d, d))],
        InitProgram = InitProgram,
        KernelRelease = KernelRelease,
        ProcFiles = [.. new[] { "/proc/version", "/proc/sys/kernel/osrelease", "/proc/sys/kernel/version" }.Select(p => new KeyValuePair<string, string>(Root + p, p))],
    };

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
