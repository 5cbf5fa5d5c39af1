using System.Text;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Behaviour;

/// <summary>sshd 9.2's answers to bad starts, measured on the real one (openssh-wire.md), reproduced byte for byte.</summary>
public sealed class TransportBehaviourTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Non_ssh_first_line_gets_invalid_identification_then_close()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("GET / HTTP/1.1");
        var banner = await connection.ReadLineAsync(Timeout);
        var rest = await connection.ReadUntilClosedAsync(Timeout);

        Assert.StartsWith("SSH-2.0-OpenSSH_9.2p1", banner, StringComparison.Ordinal);
        Assert.Equal("Invalid SSH identification string.\r\n", Encoding.ASCII.GetString(rest!));
    }

    [Fact]
    public async Task Ssh1_client_gets_protocol_major_versions_differ_then_close()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("SSH-1.5-OldClient");
        await connection.ReadLineAsync(Timeout);
        var rest = await connection.ReadUntilClosedAsync(Timeout);

        Assert.Equal("Protocol major versions differ.\r\n", Encoding.ASCII.GetString(rest!));
    }

    [Fact]
    public async Task Bad_packet_length_closes_without_a_disconnect()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("SSH-2.0-Fuzz");
        await connection.ReadLineAsync(Timeout);
        var kexInit = await connection.ReadPacketAsync(Timeout);
        await connection.SendAsync([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        var rest = await connection.ReadUntilClosedAsync(Timeout);

        Assert.Equal(SshMessageNumber.SSH_MSG_KEXINIT, kexInit!.Value.Payload[0]);
        Assert.NotNull(rest);
        Assert.Empty(rest);
    }

    [Fact]
    public async Task No_common_algorithm_closes_without_a_disconnect()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("SSH-2.0-Fuzz");
        await connection.ReadLineAsync(Timeout);
        await connection.ReadPacketAsync(Timeout);
        await connection.SendPacketAsync(new KexInitMessage(["diffie-hellman-group1-sha1"], ["ssh-dss"], ["3des-cbc"], ["3des-cbc"],
            ["hmac-md5"], ["hmac-md5"], ["none"], ["none"], [], [], false).Write());

        Assert.Empty((await connection.ReadUntilClosedAsync(Timeout))!);
    }

    [Fact]
    public async Task Strict_kex_client_whose_first_packet_is_not_kexinit_is_disconnected()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("SSH-2.0-Fuzz");
        await connection.ReadLineAsync(Timeout);
        await connection.ReadPacketAsync(Timeout);
        await connection.SendPacketAsync([SshMessageNumber.SSH_MSG_IGNORE, 0, 0, 0, 0]);
        await connection.SendPacketAsync(new KexInitMessage(["curve25519-sha256", "kex-strict-c-v00@openssh.com"], ["ssh-ed25519"],
            ["aes128-ctr"], ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"], ["none"], ["none"], [], [], false).Write());
        var disconnect = await connection.ReadPacketAsync(Timeout);

        var message = DisconnectMessage.Parse(disconnect!.Value.Payload);
        Assert.Equal(2u, message.ReasonCode);
        Assert.Equal("strict KEX violation: KEXINIT was not the first packet", message.Description);
        Assert.Empty((await connection.ReadUntilClosedAsync(Timeout))!);
    }

    [Fact]
    public async Task Without_strict_kex_an_unexpected_message_gets_unimplemented()
    {
        await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
        await connection.SendLineAsync("SSH-2.0-Fuzz");
        await connection.ReadLineAsync(Timeout);
        await connection.ReadPacketAsync(Timeout);
        await connection.SendPacketAsync(new KexInitMessage(["curve25519-sha256"], ["ssh-ed25519"],
            ["aes128-ctr"], ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"], ["none"], ["none"], [], [], false).Write());
        await connection.SendPacketAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_OPEN).WriteString("session").ToArray());
        var answer = await connection.ReadPacketAsync(Timeout);

        Assert.Equal(SshMessageNumber.SSH_MSG_UNIMPLEMENTED, answer!.Value.Payload[0]);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, answer.Value.Payload[1..5]);
    }

    [Fact]
    public async Task Login_grace_time_ends_the_connection_silently()
    {
        await using var server = await GatewayServer.StartAsync(settings: new Dictionary<string, string?> { ["Gateway:Ssh:LoginGraceTime"] = "00:00:01" });
        await using var connection = await RawSshConnection.ConnectAsync(server.Port);
        await connection.SendLineAsync("SSH-2.0-Slow");
        await connection.ReadLineAsync(Timeout);
        await connection.ReadPacketAsync(Timeout);

        var rest = await connection.ReadUntilClosedAsync(Timeout);
        Assert.NotNull(rest);
        Assert.Empty(rest);
    }

    [Fact]
    public async Task Ext_info_after_newkeys_carries_server_sig_algs_and_publickey_hostbound()
    {
        await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));

        var extInfo = Assert.Single(client.ExtInfo);
        var text = Encoding.ASCII.GetString(extInfo);
        Assert.Contains("server-sig-algs", text, StringComparison.Ordinal);
        Assert.Contains("ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256", text, StringComparison.Ordinal);
        Assert.Contains("publickey-hostbound@openssh.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ping@openssh.com", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ubuntu2404_sends_ping_and_a_second_ext_info_in_auth()
    {
        await using var server = await GatewayServer.StartAsync("ubuntu2404", policy: new Chronos.Gateway.Ssh.Auth.AcceptAnyPolicy());
        await using var client = await MiniSshClient.ConnectAsync(server.Port, extraKex: ["ext-info-in-auth@openssh.com"]);
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync("root", "x"));

        Assert.Equal(2, client.ExtInfo.Count);
        Assert.Contains("ping@openssh.com", Encoding.ASCII.GetString(client.ExtInfo[0]), StringComparison.Ordinal);
        Assert.DoesNotContain("publickey-hostbound", Encoding.ASCII.GetString(client.ExtInfo[1]), StringComparison.Ordinal);
    }
}
