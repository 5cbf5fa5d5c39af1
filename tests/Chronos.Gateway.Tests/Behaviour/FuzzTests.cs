using System.Buffers.Binary;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Behaviour;

/// <summary>
/// Hostile input on the wire: each malformed connection ends alone with sshd's answer, the server
/// keeps serving, and memory does not grow with the number of such connections.
/// </summary>
public sealed class FuzzTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private async Task<MiniSshClient> AuthenticatedAsync()
    {
        var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));
        return client;
    }

    [Fact]
    public async Task Bad_mac_closes_silently()
    {
        await using var client = await AuthenticatedAsync();
        var packet = client.EncodeOnly(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_IGNORE).WriteString("x").ToArray());
        packet[^1] ^= 0x01;
        await client.SendRawAsync(packet);

        var (closed, messages) = await client.DrainUntilClosedAsync(Timeout);
        Assert.True(closed);
        Assert.DoesNotContain(messages, m => m[0] == SshMessageNumber.SSH_MSG_DISCONNECT);
    }

    [Fact]
    public async Task Encrypted_wrong_length_closes_silently()
    {
        await using var client = await AuthenticatedAsync();
        var packet = client.EncodeOnly(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_IGNORE).WriteString("xyz").ToArray());
        // The length travels encrypted with aes-ctr + non-etm MAC: flipping it makes a nonsense length.
        packet[0] ^= 0x40;
        await client.SendRawAsync(packet);

        Assert.True((await client.DrainUntilClosedAsync(Timeout)).Closed);
    }

    [Fact]
    public async Task Window_adjust_overflow_closes_the_connection()
    {
        await using var client = await AuthenticatedAsync();
        var (channel, _, _) = await client.OpenSessionAsync(window: 0);
        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync(new ChannelWindowAdjustMessage(channel, uint.MaxValue).Write());
        }

        Assert.True((await client.DrainUntilClosedAsync(Timeout)).Closed);
    }

    [Fact]
    public async Task Message_for_a_nonexistent_channel_is_disconnected_with_sshds_words()
    {
        await using var client = await AuthenticatedAsync();
        await client.SendAsync(ChannelDataMessage.Write(99, "x"u8));
        var disconnect = DisconnectMessage.Parse(await client.ReceiveSkippingAsync());

        Assert.Equal(2u, disconnect.ReasonCode);
        Assert.Equal("data packet referred to nonexistent channel 99", disconnect.Description);
    }

    [Fact]
    public async Task Truncated_messages_after_kex_close_silently()
    {
        foreach (var payload in new byte[][]
                 {
                     [SshMessageNumber.SSH_MSG_SERVICE_REQUEST, 0, 0, 0, 99],
                     [SshMessageNumber.SSH_MSG_USERAUTH_REQUEST, 0xff, 0xff, 0xff, 0xff],
                     [SshMessageNumber.SSH_MSG_KEXINIT, 1, 2, 3],
                 })
        {
            await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
            await client.SendAsync(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_SERVICE_REQUEST).WriteString("ssh-userauth").ToArray());
            await client.ExpectAsync(SshMessageNumber.SSH_MSG_SERVICE_ACCEPT);
            await client.SendAsync(payload);
            Assert.True((await client.DrainUntilClosedAsync(Timeout)).Closed);
        }
    }

    [Fact]
    public async Task Pre_auth_flood_of_requests_is_answered_in_order_and_the_connection_survives()
    {
        await using var client = await MiniSshClient.ConnectAsync(fixture.Server.Port);
        const int flood = 5_000;
        var burst = new List<byte>();
        for (var i = 0; i < flood; i++)
        {
            burst.AddRange(client.EncodeOnly(new SshWriter().WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_OPEN).WriteString("session")
                .WriteUInt32((uint)i).WriteUInt32(0).WriteUInt32(0).ToArray()));
        }
        // Written from another task while this one reads: the server must apply back-pressure, not buffer without bound.
        var writer = client.SendRawAsync([.. burst]);
        for (var i = 0; i < flood; i++)
        {
            Assert.Equal(SshMessageNumber.SSH_MSG_UNIMPLEMENTED, (await client.ReceiveSkippingAsync())[0]);
        }
        await writer;

        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS, await client.AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));
    }

    [Fact]
    public async Task Many_malformed_connections_leave_memory_and_connection_count_flat()
    {
        var seed = 20260423;
        var random = new Random(seed);
        var kexInit = new KexInitMessage(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["aes128-ctr"],
            ["hmac-sha2-256"], ["hmac-sha2-256"], ["none"], ["none"], [], [], false).Write();

        async Task OneAsync(int i)
        {
            await using var connection = await RawSshConnection.ConnectAsync(fixture.Server.Port);
            var kind = i % 5;
            await connection.SendLineAsync(kind == 0 ? "NOT-SSH" : "SSH-2.0-Fuzz_" + i);
            byte[] garbage;
            lock (random)
            {
                garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
            }
            switch (kind)
            {
                case 1: // random bytes where a packet belongs, with an impossible length (a short one would make sshd wait, as we do)
                    garbage[0] |= 0x80;
                    await connection.SendAsync([.. garbage, 0, 0, 0, 0]);
                    break;
                case 2: // a length that is not a multiple of the block size
                    var bad = new byte[12];
                    BinaryPrimitives.WriteUInt32BigEndian(bad, 7);
                    await connection.SendAsync(bad);
                    break;
                case 3: // a well-framed packet with a random message number and body
                    garbage[0] = (byte)(garbage[0] % 19 == 1 ? 2 : garbage[0]);
                    await connection.SendPacketAsync(garbage);
                    await connection.SendAsync([0xff, 0xff, 0xff, 0xff]);
                    break;
                case 4: // a KEXINIT, then a truncated ECDH init
                    await connection.SendPacketAsync(kexInit);
                    await connection.SendPacketAsync([SshMessageNumber.SSH_MSG_KEX_ECDH_INIT, 0, 0, 0, 32, 1]);
                    await connection.SendAsync([0, 0, 0, 8, 4, 1, 2, 3, 4, 5, 6, 7]);
                    break;
                default:
                    break;
            }
            Assert.True(await connection.ReadUntilClosedAsync(Timeout) is not null, $"connection {i} (case {kind}, bytes {Convert.ToHexString(garbage)}) was not closed");
        }

        async Task RunAsync(int count, int offset)
        {
            const int parallel = 32;
            for (var start = 0; start < count; start += parallel)
            {
                await Task.WhenAll(Enumerable.Range(start + offset, Math.Min(parallel, count - start)).Select(OneAsync));
            }
        }

        await RunAsync(2_000, 0);
        var before = Settle();
        await RunAsync(18_000, 2_000);
        var after = Settle();

        Assert.Equal(0, fixture.Server.Server.ActiveConnections);
        Assert.True(after - before < 16 * 1024 * 1024, $"managed heap grew {(after - before) / 1024} KiB over 18,000 malformed connections");
        Assert.Equal(SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS,
            await (await MiniSshClient.ConnectAsync(fixture.Server.Port)).AuthenticateWithPasswordAsync(GatewayFixture.User, GatewayFixture.Password));
    }

    private static long Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
