using System.Globalization;
using System.Text;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>
/// What a person does at an interactive shell, typed into OpenSSH's <c>ssh -tt</c> on a terminal
/// of its own, through the Gateway, into a sandboxed bash.
/// </summary>
public sealed class InteractiveSshTests(SandboxedGateway gateway) : IClassFixture<SandboxedGateway>
{
    private Task<OpenSshTerminal> LoginAsync(int columns = 80, int rows = 24) =>
        OpenSshTerminal.LoginAsync(gateway.Server.Port, "root", "hunter2", gateway.Keys, columns, rows);

    [Fact]
    public async Task Shell_syntax_works_as_on_a_real_host()
    {
        await using var ssh = await LoginAsync();
        var screen = ssh.Screen;

        var at = await ssh.RunAsync("touch /tmp/pwn && ls /tmp");
        Assert.True(File.Exists(Path.Combine(gateway.World.Root, "tmp/pwn")));

        await ssh.TypeAsync("echo -e \"tab\\there\\nsecond-$((1+1))\"\r");
        at = await screen.WaitForAsync("tab\there\r\nsecond-2", at);

        await ssh.TypeAsync("for i in 1 2 3; do echo loop-$((i*11)); done\r");
        at = await screen.WaitForAsync("loop-11\r\nloop-22\r\nloop-33", at);

        await ssh.TypeAsync("echo subst-$(echo $((20+3)))-$(hostname)\r");
        at = await screen.WaitForAsync("subst-23-web01", at);

        // A here-doc: bash prompts with PS2 ("> ") for each body line.
        await ssh.TypeAsync("cat <<EOF | tr a-z A-Z\r");
        at = await screen.WaitForAsync("> ", at);
        await ssh.TypeAsync("here doc line\r");
        at = await screen.WaitForAsync("> ", at);
        await ssh.TypeAsync("EOF\r");
        await screen.WaitForAsync("HERE DOC LINE", at);
    }

    [Fact]
    public async Task The_working_directory_holds_after_two_hundred_commands()
    {
        await using var ssh = await LoginAsync();
        var at = 0;
        // Typed in batches of 20 lines: typeahead that fits the terminal's input queue, as a fast typist's.
        for (var batch = 0; batch < 10; batch++)
        {
            var lines = new StringBuilder();
            for (var i = 0; i < 19; i++)
            {
                lines.Append(CultureInfo.InvariantCulture, $"x={batch * 20 + i}; : $x\r");
            }
            at = await ssh.RunAsync(lines.ToString().TrimEnd('\r'), at);
        }

        await ssh.TypeAsync("cd /etc; pwd; echo pwd-$((2*3)) $PWD\r");
        await ssh.Screen.WaitForAsync("/etc\r\npwd-6 /etc", at);
    }

    [Fact]
    public async Task Job_control_and_ctrl_c_work_through_the_client_terminal()
    {
        await using var ssh = await LoginAsync();
        var screen = ssh.Screen;
        var at = 0;

        // A duration no other test uses: the way to find this very sleep among the host's processes.
        var duration = "100." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        await ssh.TypeAsync($"sleep {duration}\r");
        // ^C typed before bash has handed the terminal to sleep would only discard the line.
        var sleep = await HostProcesses.WaitForAsync(["sleep", duration]);
        await ssh.TypeAsync("\u0003");
        await ssh.TypeAsync("echo after-sleep-$?\r");
        at = await screen.WaitForAsync("after-sleep-130", at);
        await HostProcesses.WaitForExitAsync(sleep);

        await ssh.TypeAsync("sleep 100 &\r");
        at = await screen.WaitForAsync("[1] ", at);
        await ssh.TypeAsync("jobs\r");
        at = await screen.WaitForAsync("Running", at);
        await ssh.TypeAsync("kill %1; wait; jobs; echo jobs-$((3*3))\r");
        at = await screen.WaitForAsync("Terminated", at);
        at = await screen.WaitForAsync("jobs-9", at);

        await ssh.TypeAsync("exit 3\r");
        Assert.Equal(3, await ssh.Exited.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_failing_audit_never_cuts_the_keyboard_off()
    {
        // Typed lines are audited on Enter; when that fails (Redis away, the world deleted), the
        // session must go on. It once lost every key after the first Enter.
        gateway.Server.Audit.FailingOps[Chronos.Gateway.Sessions.SandboxSessionHandler.CommandOp] = true;
        try
        {
            await using var ssh = await LoginAsync();
            await ssh.TypeAsync("echo first-$((1+1))\r");
            var at = await ssh.Screen.WaitForAsync("first-2");
            await ssh.TypeAsync("echo second-$((2+1))\r");
            await ssh.Screen.WaitForAsync("second-3", at);
        }
        finally
        {
            gateway.Server.Audit.FailingOps.Clear();
        }
    }

    [Theory]
    [InlineData("root", "hunter2")]
    [InlineData("alice", "wonderland")]
    public async Task The_terminal_has_a_name_and_belongs_to_the_user(string user, string password)
    {
        // The client's own terminal is open on the host first, so the session's is never the
        // host's /dev/pts/0: tty must still name it (ttyname(3) finds it inside at its own
        // /dev/pts/N), and it is the user's, as sshd leaves it.
        await using var ssh = await OpenSshTerminal.LoginAsync(gateway.Server.Port, user, password, gateway.Keys);
        await ssh.TypeAsync("t=$(tty); case $t in /dev/pts/[0-9]*) echo tty-ok-$((1+1)) $(stat -c '%U %a' $t);; *) echo tty-bad \"$t\";; esac\r");
        await ssh.Screen.WaitForAsync($"tty-ok-2 {user} 620");
    }

    [Fact]
    public async Task Resizing_the_client_terminal_reaches_stty_in_the_sandbox()
    {
        await using var ssh = await LoginAsync(columns: 80, rows: 24);
        var at = await ssh.RunAsync("stty size");
        Assert.Contains("24 80", ssh.Screen.Text, StringComparison.Ordinal);

        ssh.Resize(132, 43);
        // SIGWINCH and the typed line race inside ssh; ask again until the new size shows.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var resized = false;
        while (!resized)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var before = at;
            at = await ssh.RunAsync("stty size", at);
            resized = ssh.Screen.Text[before..at].Contains("43 132", StringComparison.Ordinal);
        }
    }
}
