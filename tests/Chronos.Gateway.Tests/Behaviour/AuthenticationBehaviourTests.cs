using System.Diagnostics;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Behaviour;

/// <summary>User authentication answered as sshd answers it: methods, MaxAuthTries, timing, policies.</summary>
public sealed class AuthenticationBehaviourTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task None_lists_publickey_password_and_does_not_count()
    {
        await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_SERVICE_REQUEST).WriteString("ssh-userauth").ToArray());
        await client.ExpectAsync(SshMessageNumber.SSH_MSG_SERVICE_ACCEPT);
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_REQUEST).WriteString("root")
            .WriteString("ssh-connection").WriteString("none").ToArray());
        var failure = await client.ExpectAsync(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE);
        var reader = new SshReader(failure);
        reader.ReadByte();

        Assert.Equal("publickey,password", reader.ReadAsciiString());
        Assert.False(reader.ReadBoolean());
        // After a free "none", five wrong passwords still get FAILURE; the sixth ends the connection.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE, await client.PasswordAttemptAsync("root", "wrong" + i));
        }
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_REQUEST).WriteString("root")
            .WriteString("ssh-connection").WriteString("password").WriteBoolean(false).WriteString("wrong6").ToArray());
        var disconnect = DisconnectMessage.Parse(await client.ReceiveSkippingAsync());
        Assert.Equal(2u, disconnect.ReasonCode);
        Assert.Equal("Too many authentication failures", disconnect.Description);
        Assert.True((await client.DrainUntilClosedAsync(TimeSpan.FromSeconds(20))).Closed);
    }

    [Fact]
    public async Task Failed_password_waits_for_the_delay_source_and_none_does_not()
    {
        await using var server = await GatewayServer.StartAsync(delay: new FixedDelay(TimeSpan.FromMilliseconds(400)));
        await using var client = await MiniSshClient.ConnectAsync(server.Port);
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_SERVICE_REQUEST).WriteString("ssh-userauth").ToArray());
        await client.ExpectAsync(SshMessageNumber.SSH_MSG_SERVICE_ACCEPT);

        var none = Stopwatch.StartNew();
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_REQUEST).WriteString("root")
            .WriteString("ssh-connection").WriteString("none").ToArray());
        await client.ExpectAsync(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE);
        none.Stop();
        var password = Stopwatch.StartNew();
        await client.PasswordAttemptAsync("root", "wrong");
        password.Stop();

        // Task.Delay's timers tick in whole milliseconds of a coarser clock than Stopwatch's: a
        // 400 ms wait was seen to end after 399.1 ms. 10 ms of slack is still far from "no wait".
        Assert.True(password.Elapsed >= TimeSpan.FromMilliseconds(390), $"failure came after {password.Elapsed}");
        Assert.True(none.Elapsed < TimeSpan.FromMilliseconds(400), $"none took {none.Elapsed}");
    }

    [Fact]
    public void Pam_failure_delay_stays_within_the_measured_sshd_bounds()
    {
        var delay = new PamFailureDelay();
        var samples = Enumerable.Range(0, 20_000).Select(_ => delay.NextFailureDelay()).ToList();

        Assert.All(samples, d => Assert.True(
            (d >= PamFailureDelay.MinimumSingle && d <= PamFailureDelay.MaximumSingle) ||
            (d >= PamFailureDelay.MinimumDouble && d <= PamFailureDelay.MaximumDouble), d.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(1.3), PamFailureDelay.MinimumSingle);
        Assert.Equal(TimeSpan.FromSeconds(4.7), PamFailureDelay.MaximumDouble);
        // Both modes occur, and neither collapses to a constant (a constant delay is a timing tell).
        Assert.Contains(samples, d => d <= PamFailureDelay.MaximumSingle);
        Assert.Contains(samples, d => d >= PamFailureDelay.MinimumDouble);
        Assert.True(samples.Distinct().Count() > 10_000);
    }

    [Fact]
    public async Task Accept_after_attempts_policy_lets_the_third_password_in_and_audits_all_three()
    {
        await using var server = await GatewayServer.StartAsync(policy: new AcceptAfterAttemptsPolicy(3));
        await using var client = await MiniSshClient.ConnectAsync(server.Port);

        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE, await client.AuthenticateWithPasswordAsync("admin", "admin"));
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE, await client.PasswordAttemptAsync("admin", "123456"));
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.PasswordAttemptAsync("admin", "password"));
        var attempts = server.Audit.Records.Where(r => r.Op == "ssh.auth").ToList();
        Assert.Equal(["admin", "123456", "password"], attempts.Select(a => a.Extra["password"]));
        Assert.Equal(["0", "0", "1"], attempts.Select(a => a.Extra["accepted"]));
        Assert.All(attempts, a => Assert.Equal("SSH-2.0-ChronosMiniClient_1.0", a.Extra["client_version"]));
    }

    [Fact]
    public async Task Changing_the_user_name_mid_authentication_is_disconnected_like_sshd()
    {
        await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_FAILURE, await client.AuthenticateWithPasswordAsync("root", "nope"));
        Assert.Equal(SshMessageNumber.SSH_MSG_DISCONNECT, await client.PasswordAttemptAsync("admin", "nope"));
    }

    private sealed class FixedDelay(TimeSpan delay) : IAuthenticationDelay
    {
        public TimeSpan NextFailureDelay() => delay;
    }
}
