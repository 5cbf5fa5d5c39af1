using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// A hand-driven TCP peer for the unencrypted part of SSH: identification lines and plain packets,
/// so tests can send exactly the malformed or out-of-order bytes they mean and see sshd's answer.
/// </summary>
public sealed class RawSshConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffer = [];

    private RawSshConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawSshConnection> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawSshConnection(client);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendLineAsync(string line) => SendAsync(Encoding.ASCII.GetBytes(line + "\r\n"));

    /// <summary>An unencrypted packet with zero padding to a multiple of 8 (RFC 4253 §6).</summary>
    public static byte[] Frame(byte[] payload)
    {
        var padding = 8 - ((payload.Length + 5) % 8);
        if (padding < 4)
        {
            padding += 8;
        }
        var packet = new byte[4 + 1 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload.Length + padding));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        return packet;
    }

    public Task SendPacketAsync(byte[] payload) => SendAsync(Frame(payload));

    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var newline = _buffer.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.Latin1.GetString([.. _buffer.Take(newline)]).TrimEnd('\r');
                _buffer.RemoveRange(0, newline + 1);
                return line;
            }
            if (!await FillAsync(deadline.Token))
            {
                return null;
            }
        }
    }

    /// <summary>Reads one unencrypted packet: (padding bytes, payload), or null when the server closed.</summary>
    public async Task<(byte[] Payload, byte[] Padding)?> ReadPacketAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (_buffer.Count < 4)
        {
            if (!await FillAsync(deadline.Token))
            {
                return null;
            }
        }
        var length = BinaryPrimitives.ReadInt32BigEndian([.. _buffer.Take(4)]);
        while (_buffer.Count < 4 + length)
        {
            if (!await FillAsync(deadline.Token))
            {
                return null;
            }
        }
        var packet = _buffer.Skip(4).Take(length).ToArray();
        _buffer.RemoveRange(0, 4 + length);
        var padding = packet[0];
        return (packet[1..(length - padding)], packet[(length - padding)..]);
    }

    /// <summary>Reads until the server closes; returns whatever arrived, or null when it is still open at the deadline.</summary>
    public async Task<byte[]?> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await FillAsync(deadline.Token))
            {
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        var rest = _buffer.ToArray();
        _buffer.Clear();
        return rest;
    }

    /// <summary>True when nothing arrives within the window (used to prove the server is waiting for us).</summary>
    public async Task<bool> StaysSilentAsync(TimeSpan window)
    {
        if (_buffer.Count > 0)
        {
            return false;
        }
        using var deadline = new CancellationTokenSource(window);
        try
        {
            // Data or a close inside the window: the server did not wait.
            await FillAsync(deadline.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        int read;
        try
        {
            read = await _stream.ReadAsync(chunk, cancellationToken);
        }
        catch (IOException)
        {
            return false;
        }
        if (read == 0)
        {
            return false;
        }
        _buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
