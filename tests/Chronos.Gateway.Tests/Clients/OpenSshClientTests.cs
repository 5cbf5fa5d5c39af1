using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Clients;

/// <summary>Debian's OpenSSH client against the Gateway: key exchange, both auth methods, exec plumbing, refusals.</summary>
public sealed class OpenSshClientTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Password_exec_returns_stdout_stderr_and_exit_status()
    {
        var result = await OpenSsh.RunAsync(Server.Port, "echo out; echo err >&2; exit 7", GatewayFixture.Password, keys: fixture.Keys);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Contains("err", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public async Task Public_key_exec_works_for_each_key_type(string type)
    {
        var result = await OpenSsh.RunAsync(Server.Port, "echo key-ok", identity: fixture.Keys.PrivateKey(type));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("key-ok\n", result.StandardOutput);
        var attempt = Server.Audit.Records.Last(r => r.Op == "ssh.auth" && r.Extra["method"] == "publickey" && r.Extra["accepted"] == "1");
        Assert.Equal(fixture.Keys.Fingerprint(type), attempt.Extra["key_fingerprint"]);
    }

    [Fact]
    public async Task Stdin_reaches_the_program_and_eof_ends_it()
    {
        var payload = string.Concat(Enumerable.Repeat("0123456789abcdef", 40_000)); // 640 KB: several window adjusts
        var result = await OpenSsh.RunAsync(Server.Port, "wc -c", GatewayFixture.Password, standardInput: payload, keys: fixture.Keys);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Large_output_respects_the_client_window()
    {
        var result = await OpenSsh.RunAsync(Server.Port, "head -c 5000000 /dev/zero | tr '\\0' x", GatewayFixture.Password, keys: fixture.Keys);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(5_000_000, result.StandardOutput.Length);
    }

    [Fact]
    public async Task Forced_tty_passes_the_pty_request_to_the_session()
    {
        var result = await OpenSsh.RunAsync(Server.Port, "echo tty-test", GatewayFixture.Password, options: ["RequestTTY=force"], keys: fixture.Keys);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("tty-test", result.StandardOutput, StringComparison.Ordinal);
        var request = Server.Handler!.Requests.Last(r => r.Command == "echo tty-test");
        Assert.NotNull(request.Pty);
        Assert.Equal(SshSessionKind.Exec, request.Kind);
    }

    [Fact]
    public async Task Wrong_password_is_refused_as_sshd_refuses_it()
    {
        var result = await OpenSsh.RunAsync(Server.Port, "true", "wrong-password", keys: fixture.Keys);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied (publickey,password).", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlisted_key_is_refused()
    {
        var other = await ClientKeys.CreateAsync();
        var result = await OpenSsh.RunAsync(Server.Port, "true", identity: other.PrivateKey("ed25519"));

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied (publickey,password).", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_attempt_is_audited_with_credentials_client_version_and_hassh()
    {
        await OpenSsh.RunAsync(Server.Port, "true", "audit-me-" + Guid.NewGuid().ToString("N")[..6], keys: fixture.Keys);

        var attempt = Server.Audit.Records.Last(r => r.Op == "ssh.auth" && r.Extra["method"] == "password" && r.Extra["password"].StartsWith("audit-me-", StringComparison.Ordinal));
        Assert.Equal("w1", attempt.World);
        Assert.Equal(GatewayFixture.User, attempt.Extra["user"]);
        Assert.Equal("0", attempt.Extra["accepted"]);
        Assert.StartsWith("SSH-2.0-OpenSSH_9.2p1", attempt.Extra["client_version"], StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", attempt.Extra["hassh"]);
        Assert.StartsWith("127.0.0.1:", attempt.Extra["source"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_tcpip_is_refused_as_administratively_prohibited_and_audited()
    {
        var result = await Chronos.Testing.ProcessRunner.RunAsync("ssh",
        [
            "-p", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
            "-i", fixture.Keys.PrivateKey("ed25519"), "-W", "127.0.0.1:6379", "root@127.0.0.1",
        ], standardInput: "", timeout: TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("administratively prohibited: open failed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(Server.Audit.Records, r => r.Op == "ssh.forward" && r.Extra["kind"] == "direct-tcpip" && r.Extra["port"] == "6379");
    }

    [Fact]
    public async Task Product_without_a_session_handler_refuses_exec_like_sshd()
    {
        await using var bare = await GatewayServer.StartAsync(policy: new Chronos.Gateway.Ssh.Auth.AcceptAnyPolicy(), withHandler: false);
        var result = await OpenSsh.RunAsync(bare.Port, "id", "anything", keys: fixture.Keys);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("exec request failed on channel 0", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Host_keys_are_stable_across_restarts_and_readable_by_ssh_keygen()
    {
        var directory = TempDirectory.Create("chronos-stable");
        static async Task<string[]> ScanAsync(int port) =>
            [.. (await Chronos.Testing.ProcessRunner.BashAsync($"ssh-keyscan -p {port} -t ed25519,ecdsa,rsa 127.0.0.1 2>/dev/null | cut -d' ' -f2- | sort"))
                .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        string[] first;
        await using (var server = await GatewayServer.StartAsync(hostKeyDirectory: directory))
        {
            first = await ScanAsync(server.Port);
        }
        await using (var server = await GatewayServer.StartAsync(hostKeyDirectory: directory))
        {
            Assert.Equal(first, await ScanAsync(server.Port));
        }
        Assert.Equal(3, first.Length);
        foreach (var name in new[] { "ssh_host_rsa_key", "ssh_host_ecdsa_key", "ssh_host_ed25519_key" })
        {
            var path = Path.Combine(directory, "w1", name);
            var derived = await Chronos.Testing.ProcessRunner.RunAsync("ssh-keygen", ["-y", "-f", path]);
            Assert.True(derived.ExitCode == 0, derived.StandardError);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.StartsWith(derived.StandardOutput.Trim(), File.ReadAllText(path + ".pub").Trim(), StringComparison.Ordinal);
        }
        Assert.Contains("3072", (await Chronos.Testing.ProcessRunner.RunAsync("ssh-keygen", ["-l", "-f", Path.Combine(directory, "w1", "ssh_host_rsa_key.pub")])).StandardOutput, StringComparison.Ordinal);
    }
}
