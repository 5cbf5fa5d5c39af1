using System.Text;
using Chronos.Gateway.Sandbox;

namespace Chronos.Gateway.Tests.Sandbox;

public sealed class SandboxTerminalTests(SandboxWorld world) : IClassFixture<SandboxWorld>
{
    private static Task TypeAsync(SandboxSession session, string keys) =>
        session.Input.WriteAsync(Encoding.UTF8.GetBytes(keys)).AsTask();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_interactive_shell_has_a_real_terminal_with_job_control(bool underInit)
    {
        var spec = underInit ? world.PersonaSpec("root") : world.Spec("root");
        await using var session = SandboxSession.Start(spec, new TerminalRequest("xterm-256color", 80, 24));
        using var screen = new TerminalScreen(session.Output);
        // Type only at the prompt, as a person does: input that arrives while bash is still
        // setting up its terminal is discarded by bash, exactly as over a real sshd.
        await screen.WaitForAsync("# ");

        await TypeAsync(session, "stty size; tty; echo $TERM\n");
        var at = await screen.WaitForAsync("24 80");
        at = await screen.WaitForAsync("/dev/pts/", at);
        at = await screen.WaitForAsync("xterm-256color", at);
        // ps names the session's terminal (the descriptor's name resolves inside).
        await TypeAsync(session, "echo tty-$(ps -o tty= -p $$)-ok\n");
        at = await screen.WaitForAsync("tty-pts/", at);
        if (underInit)
        {
            // A booted init has no controlling terminal.
            await TypeAsync(session, "echo init-$(ps -o tty= -p 1)-tty\n");
            at = await screen.WaitForAsync("init-?-tty", at);
        }

        // window-change reaches the shell.
        session.Resize(132, 43);
        await TypeAsync(session, "stty size\n");
        at = await screen.WaitForAsync("43 132", at);

        // Ctrl-C interrupts the foreground job, not the shell.
        await TypeAsync(session, "sleep 100\n");
        // ^C typed before the line is read would only discard the line (the tty flushes its
        // input on SIGINT): wait until sleep is really the foreground process.
        await WaitForProcessAsync(session, "sleep");
        await TypeAsync(session, "\u0003");
        await TypeAsync(session, "echo after-sleep-$?\n");
        at = await screen.WaitForAsync("after-sleep-130", at);

        // Job control: a background job, listed, then killed by its job number.
        await TypeAsync(session, "sleep 100 &\njobs\n");
        at = await screen.WaitForAsync("Running", at);
        await TypeAsync(session, "kill %1; wait; jobs; echo jobs-done\n");
        at = await screen.WaitForAsync("Terminated", at);
        await screen.WaitForAsync("jobs-done", at);

        await TypeAsync(session, "exit 7\n");
        Assert.Equal(7, await session.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private static async Task WaitForProcessAsync(SandboxSession session, string command)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!session.Cgroup!.Processes().Any(pid => CommandOf(pid) == command))
        {
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    private static string? CommandOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task The_session_time_limit_ends_the_shell_and_everything_it_started()
    {
        var limits = new SandboxLimits { SessionTime = TimeSpan.FromSeconds(2) };
        var spec = world.Spec("alice", limits: limits);
        await using var session = SandboxSession.Start(spec, new TerminalRequest("xterm", 80, 24));
        using var screen = new TerminalScreen(session.Output);
        await screen.WaitForAsync("$ ");
        await TypeAsync(session, "nohup sleep 1000 >/dev/null 2>&1 &\necho started\n");
        await screen.WaitForAsync("started");

        await session.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(session.TimedOut);
        Assert.Empty(session.Cgroup?.Processes() ?? []);
    }
}
