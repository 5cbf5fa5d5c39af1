using System.Globalization;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Testing;
using Renci.SshNet;

namespace Chronos.Gateway.Tests.Clients;

/// <summary>paramiko, dropbear's dbclient, PuTTY's plink and SSH.NET against the Gateway: exec, both auth methods, refusal.</summary>
public sealed class OtherClientTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string ParamikoScript = Path.Combine(AppContext.BaseDirectory, "Clients", "paramiko_exec.py");

    private string Port => fixture.Server.Port.ToString(CultureInfo.InvariantCulture);

    private Task<ProcessResult> ParamikoAsync(string command, string password = GatewayFixture.Password, string keyFile = "-", params string[] algorithms) =>
        ProcessRunner.RunAsync("/usr/bin/python3", [ParamikoScript, Port, GatewayFixture.User, password, keyFile, command, .. algorithms], timeout: TimeSpan.FromSeconds(60));

    public static TheoryData<string, string, string, string> ParamikoAlgorithms() => new()
    {
        { "curve25519-sha256@libssh.org", "aes128-ctr", "hmac-sha2-256", "ssh-ed25519" },
        { "ecdh-sha2-nistp256", "aes192-ctr", "hmac-sha2-512", "ecdsa-sha2-nistp256" },
        { "ecdh-sha2-nistp384", "aes256-ctr", "hmac-sha2-256-etm@openssh.com", "rsa-sha2-512" },
        { "ecdh-sha2-nistp521", "aes128-ctr", "hmac-sha2-512-etm@openssh.com", "rsa-sha2-256" },
        { "diffie-hellman-group16-sha512", "aes128-ctr", "hmac-sha1", "ssh-ed25519" },
        { "diffie-hellman-group-exchange-sha256", "aes128-ctr", "hmac-sha2-256", "ssh-ed25519" },
        { "diffie-hellman-group14-sha256", "aes128-ctr", "hmac-sha2-256", "ssh-ed25519" },
    };

    [Theory]
    [MemberData(nameof(ParamikoAlgorithms))]
    public async Task Paramiko_exec_with_password(string kex, string cipher, string mac, string hostKey)
    {
        var result = await ParamikoAsync("echo paramiko-ok; exit 4", GatewayFixture.Password, "-", kex, cipher, mac, hostKey);

        Assert.True(result.ExitCode == 4, result.StandardError);
        Assert.StartsWith("paramiko-ok\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{cipher},{mac},{hostKey}", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public async Task Paramiko_exec_with_public_key(string type)
    {
        var result = await ParamikoAsync("echo pk-ok", "-", fixture.Keys.PrivateKey(type));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("pk-ok\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paramiko_wrong_password_fails_authentication()
    {
        var result = await ParamikoAsync("true", "wrong");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Authentication failed", result.StandardError, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> DropbearAlgorithms() => new()
    {
        { "chacha20-poly1305@openssh.com", "hmac-sha2-256" },
        { "aes128-ctr", "hmac-sha1" },
        { "aes256-ctr", "hmac-sha2-256" },
    };

    [Theory]
    [MemberData(nameof(DropbearAlgorithms))]
    public async Task Dropbear_exec_with_password(string cipher, string mac)
    {
        var result = await ProcessRunner.RunAsync("dbclient", ["-y", "-y", "-p", Port, "-c", cipher, "-m", mac, $"{GatewayFixture.User}@127.0.0.1", "echo dropbear-ok"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60), environment: new Dictionary<string, string?> { ["DROPBEAR_PASSWORD"] = GatewayFixture.Password });

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("dropbear-ok\n", result.StandardOutput);
    }

    [Fact]
    public async Task Dropbear_exec_with_public_key()
    {
        var key = Path.Combine(fixture.Keys.Directory, "id_ed25519.dropbear");
        if (!File.Exists(key))
        {
            (await ProcessRunner.RunAsync("dropbearconvert", ["openssh", "dropbear", fixture.Keys.PrivateKey("ed25519"), key])).EnsureSuccess();
        }
        var result = await ProcessRunner.RunAsync("dbclient", ["-y", "-y", "-p", Port, "-i", key, $"{GatewayFixture.User}@127.0.0.1", "echo dropbear-key"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("dropbear-key\n", result.StandardOutput);
    }

    [Fact]
    public async Task Dropbear_wrong_password_is_refused()
    {
        var password = "dropbear-wrong-" + Guid.NewGuid().ToString("N")[..6];
        var result = await ProcessRunner.RunAsync("dbclient", ["-y", "-y", "-p", Port, $"{GatewayFixture.User}@127.0.0.1", "echo must-not-run"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60), environment: new Dictionary<string, string?> { ["DROPBEAR_PASSWORD"] = password });

        // dbclient then prompts on an empty stdin until sshd's MaxAuthTries disconnect, and exits 0 on a disconnect.
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("Disconnect received", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(fixture.Server.Audit.Records, r => r.Op == "ssh.auth" && r.Extra.GetValueOrDefault("password") == password && r.Extra["accepted"] == "0");
    }

    private async Task<string[]> HostKeyFingerprintsAsync()
    {
        var scan = await ProcessRunner.BashAsync($"ssh-keyscan -p {Port} 127.0.0.1 2>/dev/null | ssh-keygen -l -f - | awk '{{print $2}}'");
        return scan.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Plink_exec_with_password()
    {
        var hostKeys = (await HostKeyFingerprintsAsync()).SelectMany(f => new[] { "-hostkey", f });
        var result = await ProcessRunner.RunAsync("plink", ["-batch", "-ssh", "-P", Port, "-pw", GatewayFixture.Password, .. hostKeys, $"{GatewayFixture.User}@127.0.0.1", "echo plink-ok"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("plink-ok\n", result.StandardOutput);
    }

    [Fact]
    public async Task Plink_exec_with_public_key()
    {
        var ppk = Path.Combine(fixture.Keys.Directory, "id_ed25519.ppk");
        if (!File.Exists(ppk))
        {
            // stdin is given (empty): puttygen asks for a passphrase on a terminal it inherits otherwise.
            (await ProcessRunner.RunAsync("puttygen", [fixture.Keys.PrivateKey("ed25519"), "-O", "private", "-o", ppk], standardInput: "")).EnsureSuccess();
        }
        var hostKeys = (await HostKeyFingerprintsAsync()).SelectMany(f => new[] { "-hostkey", f });
        var result = await ProcessRunner.RunAsync("plink", ["-batch", "-ssh", "-P", Port, "-i", ppk, .. hostKeys, $"{GatewayFixture.User}@127.0.0.1", "echo plink-key"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("plink-key\n", result.StandardOutput);
    }

    [Fact]
    public async Task Plink_wrong_password_is_refused()
    {
        var hostKeys = (await HostKeyFingerprintsAsync()).SelectMany(f => new[] { "-hostkey", f });
        var result = await ProcessRunner.RunAsync("plink", ["-batch", "-ssh", "-P", Port, "-pw", "wrong", .. hostKeys, $"{GatewayFixture.User}@127.0.0.1", "true"],
            standardInput: "", timeout: TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void SshNet_exec_with_password_and_disconnect()
    {
        using var client = new SshClient(new ConnectionInfo("127.0.0.1", fixture.Server.Port, GatewayFixture.User,
            new PasswordAuthenticationMethod(GatewayFixture.User, GatewayFixture.Password)));
        client.Connect();
        using var command = client.RunCommand("echo sshnet-ok; exit 5");
        client.Disconnect();

        Assert.Equal("sshnet-ok\n", command.Result);
        Assert.Equal(5, command.ExitStatus);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public void SshNet_exec_with_public_key(string type)
    {
        using var key = new PrivateKeyFile(fixture.Keys.PrivateKey(type));
        using var client = new SshClient(new ConnectionInfo("127.0.0.1", fixture.Server.Port, GatewayFixture.User,
            new PrivateKeyAuthenticationMethod(GatewayFixture.User, key)));
        client.Connect();
        using var command = client.RunCommand("echo sshnet-key");
        client.Disconnect();

        Assert.Equal("sshnet-key\n", command.Result);
    }

    [Fact]
    public void SshNet_wrong_password_is_refused()
    {
        using var client = new SshClient(new ConnectionInfo("127.0.0.1", fixture.Server.Port, GatewayFixture.User,
            new PasswordAuthenticationMethod(GatewayFixture.User, "wrong")));

        Assert.Throws<Renci.SshNet.Common.SshAuthenticationException>(client.Connect);
    }
}
