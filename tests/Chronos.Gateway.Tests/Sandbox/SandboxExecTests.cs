using Chronos.Gateway.Sandbox;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Sandbox;

public sealed class SandboxExecTests(SandboxWorld world) : IClassFixture<SandboxWorld>
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(SandboxSpec spec)
    {
        await using var session = SandboxSession.Start(spec, terminal: null);
        session.Input.Close();
        using var stdout = new StreamReader(session.Output);
        using var stderr = new StreamReader(session.Error!);
        var output = stdout.ReadToEndAsync();
        var error = stderr.ReadToEndAsync();
        var exit = await session.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, await output, await error);
    }

    [Fact]
    public async Task Pid_1_is_the_hosts_init_and_the_kernel_is_the_personas()
    {
        var (exit, output, error) = await RunAsync(world.PersonaSpec("root",
            "ps -ef; echo ---; ps -p 1 -o comm=; cat /proc/1/comm; readlink /proc/1/exe; tr '\\0' '\\n' < /proc/1/cmdline; echo ---; " +
            "cat /proc/version /proc/sys/kernel/osrelease /proc/sys/kernel/version; echo ---; tr '\\0' '\\n' < /proc/1/environ; echo ---; " +
            "echo $HOME $USER; pwd; readlink /proc/1/cwd; ps -o tty= -p 1; exit 7"));

        Assert.True(exit == 7, error);
        var parts = output.Split("---\n");
        // ps shows init and the session, never bwrap, the world's mount or the init's arguments.
        var ps = parts[0].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^root +1 +0 .* /sbin/init$", ps[1]);
        Assert.DoesNotContain("bwrap", parts[0], StringComparison.Ordinal);
        Assert.DoesNotContain(world.Root, parts[0], StringComparison.Ordinal);
        Assert.DoesNotContain("HOME=", parts[0], StringComparison.Ordinal);
        Assert.Equal("systemd\nsystemd\n/usr/lib/systemd/systemd\n/sbin/init\n", parts[1]);
        Assert.Equal($"{SandboxWorld.ProcVersion}\n{SandboxWorld.KernelRelease}\n#115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024\n", parts[2]);
        // pid 1's environment is a booted init's; the session's is its own.
        Assert.Contains("init=/sbin/init\n", parts[3], StringComparison.Ordinal);
        Assert.Contains("BOOT_IMAGE=/boot/vmlinuz-5.15.0-105-generic\n", parts[3], StringComparison.Ordinal);
        Assert.DoesNotContain("USER=", parts[3], StringComparison.Ordinal);
        Assert.Equal("/root root\n/root\n/\n?\n", parts[4]);
    }

    [Fact]
    public async Task Under_init_uname_is_the_personas_only_when_the_persona_names_another_kernel()
    {
        var status = "uname -r; grep '^Seccomp:' /proc/self/status | tr -d '\\t'";
        var persona = await RunAsync(world.PersonaSpec("alice", status));
        Assert.True(persona.Exit == 0, persona.Error);
        Assert.Equal($"{SandboxWorld.KernelRelease}\nSeccomp:2\n", persona.Output);

        // Nothing bound over /proc: uname already agrees with it, so pid 1 installs no filter at
        // all (the session's seccomp mode is the one it inherits from the host, this process's).
        var host = await RunAsync(world.PersonaSpec("alice", status) with { ProcFiles = [] });
        Assert.True(host.Exit == 0, host.Error);
        var inherited = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("Seccomp:", StringComparison.Ordinal)).Replace("\t", "", StringComparison.Ordinal);
        Assert.Equal($"{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}\n{inherited}\n", host.Output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_program_inherits_only_stdin_stdout_and_stderr(bool underInit)
    {
        var command = "ls /proc/self/fd | tr '\\n' ' '";
        var (exit, output, error) = await RunAsync(underInit ? world.PersonaSpec("root", command) : world.Spec("root", command));

        Assert.True(exit == 0, error);
        // ls's own listing of /proc/self/fd is the one descriptor beyond the three.
        Assert.Equal("0 1 2 3 ", output);
    }

    [Fact]
    public async Task Under_init_orphans_are_reaped_and_a_signal_death_is_the_shells_status()
    {
        // An orphaned grandchild that exits becomes a zombie of pid 1 unless pid 1 reaps it.
        var orphans = await RunAsync(world.PersonaSpec("alice",
            "(sh -c 'exit 0' & sleep 0.5 &) ; for i in $(seq 1 200); do z=$(ps -eo stat= | grep -c '^Z'); [ \"$z\" = 0 ] && break; sleep 0.05; done; echo zombies=$z; id -un"));
        Assert.True(orphans.Exit == 0, orphans.Error);
        Assert.Equal("zombies=0\nalice\n", orphans.Output);

        var killed = await RunAsync(world.PersonaSpec("root", "kill -TERM $$"));
        Assert.Equal(143, killed.Exit);
    }

    [Fact]
    public async Task Root_inside_is_an_unprivileged_host_uid_with_the_persona_hostname()
    {
        var (exit, output, _) = await RunAsync(world.Spec("root", "id -u; id -un; hostname; cat /proc/self/uid_map"));

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal("root", lines[1]);
        Assert.Equal("web01", lines[2]);
        Assert.Equal(["0", "100000", "65536"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_plain_user_is_denied_the_shadow_file_and_root_reads_it()
    {
        var alice = await RunAsync(world.Spec("alice", "id -un; cat /etc/shadow; touch /root/x"));
        Assert.NotEqual(0, alice.Exit);
        Assert.StartsWith("alice", alice.Output, StringComparison.Ordinal);
        Assert.Contains("/etc/shadow: Permission denied", alice.Error, StringComparison.Ordinal);
        Assert.Contains("/root/x': Permission denied", alice.Error, StringComparison.Ordinal);

        var root = await RunAsync(world.Spec("root", "cat /etc/shadow && touch /root/x && stat -c %u /root/x"));
        Assert.Equal(0, root.Exit);
        Assert.Contains("root:$6$salt$hash", root.Output, StringComparison.Ordinal);
        // Created as persona root, stored as the shifted host uid.
        var owner = await ProcessRunner.BashAsync($"stat -c %u {world.Root}/root/x");
        Assert.Equal("100000", owner.StandardOutput.Trim());
    }

    [Fact]
    public async Task There_is_no_network_and_no_host_process_in_sight()
    {
        var (exit, output, _) = await RunAsync(world.Spec("root",
            "if (echo > /dev/tcp/127.0.0.1/22) 2>/dev/null; then echo NET; else echo NONET; fi; ls /proc | grep -c '^[0-9]'; ip -o link 2>/dev/null | wc -l"));

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("NONET", lines[0]);
        // bwrap's init, the shell, ls and grep: nothing of the host's hundreds of processes.
        Assert.InRange(int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), 1, 6);
    }

    [Fact]
    public async Task Nothing_inside_can_write_the_host_lower_layer_or_mount()
    {
        var before = (await ProcessRunner.BashAsync("stat -c '%Y %s' /usr/bin/ls")).StandardOutput;
        var (exit, output, error) = await RunAsync(world.Spec("root",
            "touch /usr/bin/pwned; echo x >> /usr/bin/ls; mount -t tmpfs none /mnt 2>&1; echo done"));

        Assert.Equal(0, exit);
        Assert.Contains("done", output, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", error, StringComparison.Ordinal);
        Assert.False(File.Exists("/usr/bin/pwned"));
        Assert.Equal(before, (await ProcessRunner.BashAsync("stat -c '%Y %s' /usr/bin/ls")).StandardOutput);
    }

    [Fact]
    public async Task A_fork_bomb_is_contained_and_killed_with_its_session()
    {
        var limits = new SandboxLimits { MaxProcesses = 64, SessionTime = TimeSpan.FromSeconds(5) };
        var spec = world.Spec("root", "b(){ b | b & }; b; sleep 60", limits);
        var started = DateTime.UtcNow;

        var (_, _, _) = await RunAsync(spec);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40));
        // Every process of the session is gone from the host.
        var leftovers = await ProcessRunner.BashAsync($"cat /sys/fs/cgroup/pids/chronos/chronos-session-{spec.SessionId}/cgroup.procs 2>/dev/null | wc -l");
        Assert.Equal("0", leftovers.StandardOutput.Trim());
    }

    [Fact]
    public async Task The_environment_is_the_sessions_own()
    {
        var spec = world.Spec("alice", "env | sort") with
        {
            Environment = new Dictionary<string, string> { ["LANG"] = "C.UTF-8", ["LD_PRELOAD"] = "/tmp/evil.so", ["HOME"] = "/etc" },
        };
        var (exit, output, _) = await RunAsync(spec);

        Assert.Equal(0, exit);
        Assert.Contains("LANG=C.UTF-8", output, StringComparison.Ordinal);
        Assert.Contains("HOME=/home/alice", output, StringComparison.Ordinal);
        Assert.Contains("USER=alice", output, StringComparison.Ordinal);
        Assert.DoesNotContain("LD_PRELOAD", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CHRONOS_", output, StringComparison.Ordinal);
        Assert.DoesNotContain("DOTNET", output, StringComparison.Ordinal);
    }
}
