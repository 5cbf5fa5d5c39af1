using System.Text;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Behaviour;

/// <summary>The connection protocol as sshd orders it: window 0 then 2 MiB, exit-status, EOF, CLOSE.</summary>
public sealed class ConnectionBehaviourTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private async Task<MiniSshClient> AuthenticatedAsync()
    {
        var client = await MiniSshClient.ConnectAsync(fixture.Server.Port, cipher: "chacha20-poly1305@openssh.com");
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));
        return client;
    }

    [Fact]
    public async Task Hostkeys_announcement_follows_success_with_every_host_key()
    {
        await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));
        var announcement = await client.ReceiveAsync();
        var reader = new SshReader(announcement);
        reader.ReadByte();

        Assert.Equal("hostkeys-00@openssh.com", reader.ReadAsciiString());
        Assert.False(reader.ReadBoolean());
        var types = new List<string>();
        while (!reader.IsAtEnd)
        {
            types.Add(new SshReader(reader.ReadString()).ReadAsciiString());
        }
        Assert.Equal(["ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519"], types);
    }

    [Fact]
    public async Task Session_opens_with_window_zero_and_exec_gets_window_adjust_before_success_then_exit_status_eof_close()
    {
        await using var client = await AuthenticatedAsync();
        var (channel, window, maxPacket) = await client.OpenSessionAsync();
        Assert.Equal(0u, window);
        Assert.Equal(32768u, maxPacket);

        await client.SendExecAsync(channel, "printf hello; exit 3");
        var sequence = new List<byte>();
        var data = new StringBuilder();
        uint? exitStatus = null;
        while (true)
        {
            var message = await client.ReceiveSkippingAsync();
            sequence.Add(message[0]);
            var reader = new SshReader(message);
            reader.ReadByte();
            reader.ReadUInt32();
            if (message[0] == SshMessageNumber.SSH_MSG_CHANNEL_WINDOW_ADJUST)
            {
                Assert.Equal(2097152u, reader.ReadUInt32());
            }
            if (message[0] == SshMessageNumber.SSH_MSG_CHANNEL_DATA)
            {
                data.Append(Encoding.ASCII.GetString(reader.ReadString()));
            }
            if (message[0] == SshMessageNumber.SSH_MSG_CHANNEL_REQUEST)
            {
                Assert.Equal("exit-status", reader.ReadAsciiString());
                Assert.False(reader.ReadBoolean());
                exitStatus = reader.ReadUInt32();
            }
            if (message[0] == SshMessageNumber.SSH_MSG_CHANNEL_CLOSE)
            {
                break;
            }
        }

        Assert.Equal("hello", data.ToString());
        Assert.Equal(3u, exitStatus);
        var order = sequence.Where(m => m != SshMessageNumber.SSH_MSG_CHANNEL_DATA).ToList();
        Assert.Equal(new byte[]
        {
            SshMessageNumber.SSH_MSG_CHANNEL_WINDOW_ADJUST, SshMessageNumber.SSH_MSG_CHANNEL_SUCCESS, SshMessageNumber.SSH_MSG_CHANNEL_REQUEST,
            SshMessageNumber.SSH_MSG_CHANNEL_EOF, SshMessageNumber.SSH_MSG_CHANNEL_CLOSE,
        }, order);
    }

    [Fact]
    public async Task Keepalive_and_unknown_global_requests_get_request_failure()
    {
        await using var client = await AuthenticatedAsync();
        foreach (var name in new[] { "keepalive@openssh.com", "no-such-request@example.com" })
        {
            await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_GLOBAL_REQUEST).WriteString(name).WriteBoolean(true).ToArray());
            Assert.Equal(SshMessageNumber.SSH_MSG_REQUEST_FAILURE, (await client.ReceiveSkippingAsync())[0]);
        }
    }

    [Fact]
    public async Task Tcpip_forward_is_refused_and_audited()
    {
        await using var client = await AuthenticatedAsync();
        await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_GLOBAL_REQUEST).WriteString("tcpip-forward").WriteBoolean(true)
            .WriteString("0.0.0.0").WriteUInt32(8080).ToArray());

        Assert.Equal(SshMessageNumber.SSH_MSG_REQUEST_FAILURE, (await client.ReceiveSkippingAsync())[0]);
        Assert.Contains(fixture.Server.Audit.Records, r => r.Op == "ssh.forward" && r.Extra["kind"] == "tcpip-forward" && r.Extra["port"] == "8080");
    }

    [Fact]
    public async Task Unknown_message_after_auth_gets_unimplemented_and_the_connection_lives()
    {
        await using var client = await AuthenticatedAsync();
        await client.SendAsync([150, 1, 2, 3]);
        Assert.Equal(SshMessageNumber.SSH_MSG_UNIMPLEMENTED, (await client.ReceiveSkippingAsync())[0]);
        var (_, window, _) = await client.OpenSessionAsync();
        Assert.Equal(0u, window);
    }

    [Fact]
    public async Task Env_is_accepted_only_for_LANG_and_LC_variables()
    {
        await using var client = await AuthenticatedAsync();
        var (channel, _, _) = await client.OpenSessionAsync();
        foreach (var (name, expected) in new[] { ("LANG", SshMessageNumber.SSH_MSG_CHANNEL_SUCCESS), ("LC_ALL", SshMessageNumber.SSH_MSG_CHANNEL_SUCCESS), ("LD_PRELOAD", SshMessageNumber.SSH_MSG_CHANNEL_FAILURE) })
        {
            await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_REQUEST).WriteUInt32(channel).WriteString("env")
                .WriteBoolean(true).WriteString(name).WriteString("x").ToArray());
            Assert.Equal(expected, (await client.ReceiveSkippingAsync())[0]);
        }
    }
}
