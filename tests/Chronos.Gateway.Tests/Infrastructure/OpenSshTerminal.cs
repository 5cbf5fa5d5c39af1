using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Tests.Sandbox;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// OpenSSH's client run as a person runs it: <c>ssh -tt</c> with a pseudo-terminal of its own as
/// its controlling terminal. The test types into the terminal's master and reads the screen;
/// resizing the terminal makes the kernel send SIGWINCH to ssh, which sends window-change.
/// </summary>
public sealed class OpenSshTerminal : IAsyncDisposable
{
    // Run by /bin/sh: the terminal becomes ssh's stdio and, through setsid -c, its controlling
    // terminal, so ssh puts it in raw mode and gets SIGWINCH like in an xterm.
    private const string Launcher = """t=$1; shift; exec setsid -w -c "$@" <>"$t" >&0 2>&0""";

    private readonly PseudoTerminal _terminal;
    private readonly Process _ssh;
    private int _markers;

    private OpenSshTerminal(PseudoTerminal terminal, Process ssh)
    {
        _terminal = terminal;
        _ssh = ssh;
        Screen = new TerminalScreen(terminal.Master);
        Exited = WaitForExitAsync();
    }

    public TerminalScreen Screen { get; }

    /// <summary>The client's exit status, once it has ended.</summary>
    public Task<int> Exited { get; }

    public int Pid => _ssh.Id;

    public static OpenSshTerminal Start(int port, string user, string password, ClientKeys keys, int columns = 80, int rows = 24)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var terminal = PseudoTerminal.Open(columns, rows);
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            // Keeps the test host's own stdio away from ssh; the terminal replaces all three.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])
        [
            "-c", Launcher, "ssh-terminal", terminal.SlavePath,
            "ssh", "-tt", "-e", "none", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "PubkeyAuthentication=no", "-o", "IdentityFile=/dev/null", "-o", "NumberOfPasswordPrompts=1",
            "-o", "ConnectTimeout=30", "-o", "LogLevel=ERROR",
            $"{user}@127.0.0.1",
        ])
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["SSH_ASKPASS"] = keys.AskPass(password);
        startInfo.Environment["SSH_ASKPASS_REQUIRE"] = "force";
        startInfo.Environment["TERM"] = "xterm";
        startInfo.Environment.Remove("DISPLAY");
        try
        {
            return new OpenSshTerminal(terminal, Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start ssh"));
        }
        catch
        {
            terminal.Dispose();
            throw;
        }
    }

    /// <summary>Logs in as <paramref name="user"/> and waits for the shell's first prompt.</summary>
    public static async Task<OpenSshTerminal> LoginAsync(int port, string user, string password, ClientKeys keys, int columns = 80, int rows = 24)
    {
        var terminal = Start(port, user, password, keys, columns, rows);
        try
        {
            // Type only at the prompt: bash discards what arrives while it sets up the terminal.
            await terminal.Screen.WaitForAsync(user == "root" ? "# " : "$ ", timeout: TimeSpan.FromSeconds(60));
            return terminal;
        }
        catch
        {
            await terminal.DisposeAsync();
            throw;
        }
    }

    public Task TypeAsync(string keys) => _terminal.Master.WriteAsync(Encoding.UTF8.GetBytes(keys)).AsTask();

    /// <summary>
    /// Types <paramref name="line"/> followed by an echo of a fresh marker and waits for the
    /// marker's output (its arithmetic is expanded, so the terminal's echo of the typed line never
    /// matches). Returns the screen offset after the marker.
    /// </summary>
    public async Task<int> RunAsync(string line, int from = 0, TimeSpan? timeout = null)
    {
        var n = Interlocked.Increment(ref _markers);
        await TypeAsync($"{line}\recho done-{n}-$((6*7))\r");
        return await Screen.WaitForAsync($"done-{n}-42", from, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>TIOCSWINSZ on the client's terminal: the kernel sends SIGWINCH to ssh, its foreground process.</summary>
    public void Resize(int columns, int rows) => _terminal.Resize(columns, rows);

    private async Task<int> WaitForExitAsync()
    {
        await _ssh.WaitForExitAsync();
        // Only now may the master see the hang-up: ssh held the last other descriptor of the slave.
        _terminal.CloseSlave();
        return _ssh.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ssh.HasExited)
        {
            // Log out as a person does: the Gateway answers the shell's exit only after the
            // session's sandbox and cgroups are gone, so nothing is left behind when the test
            // host exits right after. Killing the client is the fallback for a busy shell.
            try
            {
                await TypeAsync("exit\r");
                await ((Task)Exited).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
            }
        }
        if (!_ssh.HasExited)
        {
            _ssh.Kill(entireProcessTree: true);
        }
        await ((Task)Exited).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Screen.Dispose();
        _terminal.Dispose();
        _ssh.Dispose();
    }
}
