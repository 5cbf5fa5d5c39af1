using System.Text.RegularExpressions;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Gateway.Tests.Sandbox;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>
/// uname(2) inside a session names the persona's kernel, as /proc does: the first thing many
/// attackers type is <c>uname -a</c>, and the host's release there would give the honeypot away.
/// Driven through the Gateway by OpenSSH, in sandboxes whose pid 1 is chronos-init.
/// </summary>
public sealed class PersonaKernelSshTests(SandboxedGateway gateway) : IClassFixture<SandboxedGateway>
{
    private const string PersonaVersion = "#115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024";

    private static readonly string HostRelease = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    private static readonly string HostVersion = File.ReadAllText("/proc/sys/kernel/version").Trim();

    private Task<Chronos.Testing.ProcessResult> SshAsync(string user, string command, IEnumerable<string>? options = null) =>
        OpenSsh.RunAsync(gateway.Server.Port, command, user == "root" ? "hunter2" : "wonderland", options: options, user: user, keys: gateway.Keys);

    [Theory]
    [InlineData("root")]
    // A plain user's processes are another uid than pid 1, which answers the call.
    [InlineData("alice")]
    public async Task Uname_names_the_personas_kernel_and_hostname_never_the_hosts(string user)
    {
        var result = await SshAsync(user,
            "uname -r; echo ---; uname -a; echo ---; python3 -c 'import os; print(os.uname())'; echo ---; " +
            "cat /proc/sys/kernel/osrelease /proc/sys/kernel/version /proc/version");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError);
        var parts = result.StandardOutput.Split("---\n");
        Assert.Equal(SandboxWorld.KernelRelease + "\n", parts[0]);
        Assert.Equal($"Linux web01 {SandboxWorld.KernelRelease} {PersonaVersion} x86_64 GNU/Linux\n", parts[1]);
        Assert.Equal($"posix.uname_result(sysname='Linux', nodename='web01', release='{SandboxWorld.KernelRelease}', version='{PersonaVersion}', machine='x86_64')\n", parts[2]);
        // Another way in, through files, tells the same story.
        Assert.Equal($"{SandboxWorld.KernelRelease}\n{PersonaVersion}\n{SandboxWorld.ProcVersion}\n", parts[3]);
        Assert.DoesNotContain(HostRelease, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(HostVersion, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uname_and_proc_agree_for_every_field_the_shell_can_compare()
    {
        var result = await SshAsync("alice",
            "[ \"$(uname -r)\" = \"$(cat /proc/sys/kernel/osrelease)\" ] && echo release-agrees; " +
            "[ \"$(uname -v)\" = \"$(cat /proc/sys/kernel/version)\" ] && echo version-agrees; " +
            "[ \"$(uname -n)\" = \"$(cat /proc/sys/kernel/hostname)\" ] && [ \"$(uname -n)\" = \"$(hostname)\" ] && echo hostname-agrees; " +
            "grep -qF \"Linux version $(uname -r) \" /proc/version && echo proc-version-agrees");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("release-agrees\nversion-agrees\nhostname-agrees\nproc-version-agrees\n", result.StandardOutput);
    }

    [Fact]
    public async Task A_thousand_uname_calls_give_one_answer_and_the_session_goes_on()
    {
        await using var ssh = await OpenSshTerminal.LoginAsync(gateway.Server.Port, "alice", "wonderland", gateway.Keys);

        await ssh.TypeAsync("for i in $(seq 1000); do uname -r; done | sort -u | tr '\\n' '#'; echo loop-$((500+500))\r");
        // A thousand forks and execs: minutes on a loaded 2-core machine.
        var at = await ssh.Screen.WaitForAsync("loop-1000", timeout: TimeSpan.FromMinutes(10));
        // One distinct line, right after the end of the typed command's echo (not after another "#").
        Assert.Matches($"[\r\n]{Regex.Escape(SandboxWorld.KernelRelease)}#loop-1000", ssh.Screen.Text);

        // The shell and pid 1 still answer: a command, and uname once more.
        await ssh.TypeAsync("echo after-$((6*7)) $(uname -n) $(uname -r)\r");
        await ssh.Screen.WaitForAsync($"after-42 web01 {SandboxWorld.KernelRelease}", at, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_busy_uname_loop_in_one_session_does_not_hold_up_another()
    {
        await using var busy = await OpenSshTerminal.LoginAsync(gateway.Server.Port, "root", "hunter2", gateway.Keys);
        // Each session has its own pid 1 answering its calls: this one keeps its own busy.
        await busy.TypeAsync("python3 -c 'import os; exec(\"while True: os.uname()\")' & echo busy-$((2+2))\r");
        await busy.Screen.WaitForAsync("busy-4", timeout: TimeSpan.FromSeconds(60));

        for (var i = 0; i < 5; i++)
        {
            var other = await SshAsync("alice", $"echo other-{i}; uname -r");
            Assert.True(other.ExitCode == 0, other.StandardError);
            Assert.Equal($"other-{i}\n{SandboxWorld.KernelRelease}\n", other.StandardOutput);
        }

        // The busy session still answers too.
        await busy.RunAsync("kill %1; uname -r");
        Assert.Contains(SandboxWorld.KernelRelease, busy.Screen.Text, StringComparison.Ordinal);
    }
}
