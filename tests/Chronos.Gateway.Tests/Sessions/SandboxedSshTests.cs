using System.Security.Cryptography;
using Chronos.Gateway.Sessions;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Gateway.Tests.Sandbox;
using Chronos.Gateway.Transcripts;
using Chronos.Testing;
using Renci.SshNet;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>A Gateway with sandboxing on, over a world directory, driven by real SSH clients.</summary>
public sealed class SandboxedGateway : IAsyncLifetime
{
    public SandboxWorld World { get; } = new();

    public GatewayServer Server { get; private set; } = null!;

    public ClientKeys Keys { get; private set; } = null!;

    public string Transcripts { get; } = TempDirectory.Create("chronos-casts");

    public async Task InitializeAsync()
    {
        await World.InitializeAsync();
        Keys = await ClientKeys.CreateAsync();
        var policy = new ListedCredentialsPolicy(new Dictionary<string, string> { ["root"] = "hunter2", ["alice"] = "wonderland" });
        Server = await GatewayServer.StartAsync(policy: policy, withHandler: false, settings: new Dictionary<string, string?>
        {
            ["Gateway:Ssh:World"] = Path.GetFileName(World.Root),
            ["Gateway:Sandbox:Enabled"] = "true",
            ["Gateway:Sandbox:MountRoot"] = Path.GetDirectoryName(World.Root),
            ["Gateway:Sandbox:IdShift"] = SandboxWorld.Shift.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Sandbox:ReadOnlyBinds:0"] = "/usr",
            ["Gateway:Sandbox:TranscriptDirectory"] = Transcripts,
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await World.DisposeAsync();
        Directory.Delete(Transcripts, recursive: true);
    }
}

public sealed class SandboxedSshTests(SandboxedGateway gateway) : IClassFixture<SandboxedGateway>
{
    private Task<ProcessResult> SshAsync(string user, string password, string command, IEnumerable<string>? options = null, string? input = null) =>
        OpenSsh.RunAsync(gateway.Server.Port, command, password, options: options, standardInput: input, user: user, keys: gateway.Keys);

    [Fact]
    public async Task An_exec_request_runs_in_the_world_and_what_it_leaves_is_state()
    {
        var result = await SshAsync("root", "hunter2", "id -un; hostname; touch /tmp/pwn && ls /tmp");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("root\nweb01\npwn\n", result.StandardOutput);
        Assert.True(File.Exists(Path.Combine(gateway.World.Root, "tmp/pwn")));

        var again = await SshAsync("root", "hunter2", "ls -l /tmp/pwn | cut -d' ' -f3");
        Assert.Equal("root\n", again.StandardOutput);
    }

    [Fact]
    public async Task A_plain_user_gets_permission_denied_where_the_persona_says_so()
    {
        var result = await SshAsync("alice", "wonderland", "cat /etc/shadow; touch /root/x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cat: /etc/shadow: Permission denied", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("touch: cannot touch '/root/x': Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forced_terminal_is_a_real_pty()
    {
        var result = await SshAsync("root", "hunter2", "tty; test -t 0 && echo interactive", options: ["RequestTTY=force"]);

        // The terminal keeps the host's number, so ttyname(3) and ps can name it.
        Assert.Matches(@"^/dev/pts/[0-9]+\r?\n", result.StandardOutput);
        Assert.Contains("interactive", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_program_inherits_only_stdin_stdout_and_stderr(bool terminal)
    {
        // Nothing of pid 1's (its uname listener, its signal descriptor) nor of the Gateway's.
        // ls's own listing of /proc/self/fd is the one descriptor beyond the three: 3.
        var result = await SshAsync("root", "hunter2", "ls /proc/self/fd | tr '\\n' ' '; echo; ls -l /proc/self/fd | tail -n +2 | wc -l",
            options: terminal ? ["RequestTTY=force"] : null);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("0 1 2 3 ", lines[0]);
        Assert.Equal("4", lines[1]);
    }

    [Theory]
    [InlineData("sftp")]
    [InlineData("scp")]
    public async Task Uploads_land_in_the_world_with_the_same_digest(string protocol)
    {
        var local = Path.Combine(Path.GetTempPath(), $"chronos-up-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(local, RandomNumberGenerator.GetBytes(300_000));
        var remote = $"/tmp/upload-{protocol}";
        try
        {
            var env = new Dictionary<string, string?> { ["SSH_ASKPASS"] = gateway.Keys.AskPass("hunter2"), ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = null };
            List<string> args =
            [
                "-P", gateway.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
                "-o", "LogLevel=ERROR",
            ];
            if (protocol == "scp")
            {
                args.Add("-O"); // the legacy protocol: "scp -t" exec'd in the sandbox
            }
            args.AddRange([local, $"root@127.0.0.1:{remote}"]);
            var copy = await ProcessRunner.RunAsync("scp", args, timeout: TimeSpan.FromSeconds(60), environment: env);
            Assert.True(copy.ExitCode == 0, copy.StandardError);

            var expected = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(local)));
            var inWorld = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(gateway.World.Root, remote.TrimStart('/')))));
            Assert.Equal(expected, inWorld);
            var overSsh = await SshAsync("root", "hunter2", $"sha256sum {remote}");
            Assert.StartsWith(expected, overSsh.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Fact]
    public async Task An_unknown_subsystem_is_refused_at_request_time_and_nothing_is_started()
    {
        var result = await SshAsync("root", "hunter2", "nosuch", options: ["SessionType=subsystem"]);

        // OpenSSH prints this only for SSH_MSG_CHANNEL_FAILURE to its subsystem request; a
        // program that started and failed would have answered with an exit status instead.
        Assert.Contains("subsystem request failed on channel 0", result.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(Directory.EnumerateFiles(gateway.Transcripts, "*.cast", SearchOption.AllDirectories),
            path => File.ReadAllText(path).Contains("subsystem nosuch", StringComparison.Ordinal));

        var after = await SshAsync("root", "hunter2", "echo ok");
        Assert.Equal("ok\n", after.StandardOutput);
    }

    [Fact]
    public async Task Typed_lines_are_audited_and_the_session_is_recorded()
    {
        using (var client = new SshClient("127.0.0.1", gateway.Server.Port, "root", "hunter2"))
        {
            client.Connect();
            using var shell = client.CreateShellStream("xterm", 80, 24, 0, 0, 4096);
            Assert.NotNull(shell.Expect("# ", TimeSpan.FromSeconds(30)));
            shell.WriteLine("echo typed-$((40+2))");
            Assert.NotNull(shell.Expect("typed-42", TimeSpan.FromSeconds(30)));
            shell.WriteLine("exit");
            shell.Expect("logout", TimeSpan.FromSeconds(30));
        }

        var line = await WaitForAsync(() => gateway.Server.Audit.Records.FirstOrDefault(r =>
            r.Op == SandboxSessionHandler.CommandOp && r.Extra["line"] == "echo typed-$((40+2))"));
        Assert.Equal("root", line.Extra["user"]);
        Assert.NotNull(line.Session);

        var cast = await WaitForAsync(() => Directory.EnumerateFiles(gateway.Transcripts, "*.cast", SearchOption.AllDirectories)
            .Select(File.ReadAllText).FirstOrDefault(text => text.Contains("typed-42", StringComparison.Ordinal)));
        var (_, events) = AsciicastReader.Parse(cast);
        Assert.Contains("typed-42", AsciicastReader.Output(events), StringComparison.Ordinal);
        Assert.Contains(events, e => e.Code == "i");
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : class
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }
}
