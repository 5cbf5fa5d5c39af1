using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Chronos.Gateway.Ssh.Transport;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// One SSH connection, server side: one receive loop (Kestrel's pipe loop) that decodes packets
/// and dispatches them by phase (key exchange, user authentication, connection: the partial files),
/// one send loop that owns the output pipe and the outgoing keys, fed by a Channel, and one abort
/// token. Errors come in two tiers: connection-fatal (<see cref="SshProtocolException"/>: DISCONNECT
/// where sshd sends one, else a silent close) and channel-local (the channel fails alone).
/// </summary>
internal sealed partial class SshServerSession : IAsyncDisposable
{
    /// <summary>sshd's limit on the identification line and the lines before it (kex.c).</summary>
    private const int MaxIdentificationLine = 255;

    private readonly SshServerContext _context;
    private readonly IDuplexPipe _transport;
    /// <summary>
    /// Packets waiting for the send loop above this count stop the receive loop and the channel
    /// writers until the peer reads again: a client that floods requests and never reads the
    /// answers gets TCP back-pressure, not a growing heap (as sshd blocks on its socket).
    /// </summary>
    private const int SendQueueHighWater = 256;

    private readonly Channel<OutboundItem> _sendQueue = Channel.CreateUnbounded<OutboundItem>(new UnboundedChannelOptions { SingleReader = true });
    private int _queuedPackets;
    private TaskCompletionSource _sendSpace = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private readonly PacketDecoder _decoder = new();
    private readonly PacketEncoder _encoder = new();
    private string? _endReason;

    public SshServerSession(SshServerContext context, IDuplexPipe transport, EndPoint? remoteEndPoint)
    {
        _context = context;
        _transport = transport;
        RemoteEndPoint = remoteEndPoint;
        Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    }

    public string Id { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The client's identification line, without CRLF.</summary>
    public string ClientVersion { get; private set; } = "";

    /// <summary>HASSH of the client's first KEXINIT.</summary>
    public string ClientHassh { get; private set; } = "";

    /// <summary>Why the connection ended, recorded once.</summary>
    public string? EndReason => _endReason;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => Abort("server stopping"));
        using var grace = new CancellationTokenSource(_context.LoginGraceTime);
        // LoginGraceTime: sshd exits without a word ("Timeout before authentication").
        using var graceRegistration = grace.Token.Register(() =>
        {
            if (!_loginAccepted)
            {
                Abort("login grace time exceeded");
            }
        });
        var sendLoop = SendLoopAsync();
        try
        {
            EnqueueRaw(Encoding.ASCII.GetBytes(_context.Profile.Banner + "\r\n"));
            if (await ReadIdentificationAsync())
            {
                SendKexInit();
                await ReceiveLoopAsync();
            }
        }
        catch (SshProtocolException e)
        {
            if (e.DisconnectReason is { } reason)
            {
                Enqueue(new DisconnectMessage(reason, e.DisconnectDescription ?? e.Message).Write());
            }
            RecordEnd("protocol: " + e.Message);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            RecordEnd("transport: " + e.Message);
        }
        catch (Exception e)
        {
            Log.ConnectionFaulted(_context.Logger, e, Id);
            RecordEnd("internal error: " + e.GetType().Name);
        }
        finally
        {
            _sendQueue.Writer.TryComplete();
            await sendLoop;
            await StopChannelsAsync();
            await ReleaseWorldAsync();
            await _transport.Input.CompleteAsync();
            Log.ConnectionEnded(_context.Logger, Id, _endReason ?? "closed");
        }
    }

    /// <summary>Connection-fatal stop without a word on the wire (sshd's silent closes).</summary>
    public void Abort(string reason)
    {
        RecordEnd(reason);
        _sendQueue.Writer.TryComplete();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void RecordEnd(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null);

    private async Task<bool> ReadIdentificationAsync()
    {
        var input = _transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(_abort.Token);
            var buffer = result.Buffer;
            var found = false;
            try
            {
                while (TryReadLine(ref buffer, out var line))
                {
                    found = true;
                    // kex.c: the server accepts only an SSH- line first; anything else is refused.
                    if (line.StartsWith("SSH-2.0-", StringComparison.Ordinal) || line.StartsWith("SSH-1.99-", StringComparison.Ordinal))
                    {
                        ClientVersion = line;
                        return true;
                    }
                    if (line.StartsWith("SSH-", StringComparison.Ordinal))
                    {
                        EnqueueRaw("Protocol major versions differ.\r\n"u8.ToArray());
                        RecordEnd("protocol major versions differ");
                        return false;
                    }
                    EnqueueRaw("Invalid SSH identification string.\r\n"u8.ToArray());
                    RecordEnd("invalid identification string");
                    return false;
                }
                if (buffer.Length > MaxIdentificationLine)
                {
                    EnqueueRaw("Invalid SSH identification string.\r\n"u8.ToArray());
                    RecordEnd("identification line too long");
                    return false;
                }
                if (result.IsCompleted)
                {
                    RecordEnd("closed before identification");
                    return false;
                }
            }
            finally
            {
                // Bytes after the identification line (the client's KEXINIT, often in the same
                // segment) are not examined yet: the packet loop must see them without new data.
                if (found)
                {
                    input.AdvanceTo(buffer.Start);
                }
                else
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        line = "";
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            return false;
        }
        var bytes = buffer.Slice(0, newline.Value).ToArray();
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        var length = bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
        if (length > MaxIdentificationLine)
        {
            throw SshProtocolException.Silent("identification line too long");
        }
        line = Encoding.Latin1.GetString(bytes, 0, length);
        return true;
    }

    private async Task ReceiveLoopAsync()
    {
        var input = _transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(_abort.Token);
            var buffer = result.Buffer;
            try
            {
                while (_decoder.TryDecode(ref buffer, out var payload))
                {
                    await WaitForSendSpaceAsync();
                    await HandlePacketAsync(payload, _decoder.SequenceNumber - 1);
                    if (_closing)
                    {
                        return;
                    }
                }
                if (result.IsCompleted)
                {
                    RecordEnd(buffer.IsEmpty ? "client closed the connection" : "client closed mid-packet");
                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private bool _closing;

    private async ValueTask HandlePacketAsync(byte[] payload, uint sequenceNumber)
    {
        if (payload.Length == 0)
        {
            throw SshProtocolException.Silent("empty payload");
        }
        var number = payload[0];
        if (_kex.IsActive && (!IsAllowedDuringKex(number) || (_kex.Strict && _kex.Initial && number is >= 2 and <= 4)))
        {
            KexProtocolError(number, sequenceNumber);
            return;
        }
        switch (number)
        {
            case SshMessageNumber.SSH_MSG_DISCONNECT:
                var disconnect = DisconnectMessage.Parse(payload);
                RecordEnd($"client disconnected ({disconnect.ReasonCode}: {disconnect.Description})");
                _closing = true;
                return;
            case SshMessageNumber.SSH_MSG_IGNORE:
            case SshMessageNumber.SSH_MSG_DEBUG:
            case SshMessageNumber.SSH_MSG_UNIMPLEMENTED:
                return;
            case SshMessageNumber.SSH_MSG_KEXINIT:
                OnKexInit(payload, sequenceNumber);
                return;
            case SshMessageNumber.SSH_MSG_NEWKEYS:
                OnNewKeys(sequenceNumber);
                return;
            case >= 30 and <= 49:
                OnKexMethodMessage(payload, sequenceNumber);
                return;
            case SshMessageNumber.SSH_MSG_SERVICE_REQUEST when !_authenticated:
                OnServiceRequest(payload);
                return;
            case SshMessageNumber.SSH_MSG_USERAUTH_REQUEST when _userAuthAccepted && !_authenticated:
                await OnUserAuthRequestAsync(payload);
                return;
            case SshMessageNumber.SSH_MSG_USERAUTH_INFO_RESPONSE when _pendingKeyboardInteractive is not null:
                await OnKeyboardInteractiveResponseAsync(payload);
                return;
            case SshMessageNumber.SSH2_MSG_PING when _context.Profile.SupportsPingAndExtInfoInAuth:
                OnPing(payload);
                return;
            case >= 80 and <= 127 when _authenticated:
                OnConnectionMessage(payload, sequenceNumber);
                return;
            default:
                // sshd's dispatch_protocol_error: UNIMPLEMENTED naming the packet, connection kept.
                Enqueue(new UnimplementedMessage(sequenceNumber).Write());
                return;
        }
    }

    private void OnPing(byte[] payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        var data = reader.ReadString();
        Enqueue(new SshWriter(data.Length + 5).WriteByte(SshMessageNumber.SSH2_MSG_PONG).WriteString(data).ToArray());
    }

    private void Enqueue(byte[] payload, DirectionState? switchTo = null)
    {
        if (_sendQueue.Writer.TryWrite(new OutboundItem(payload, switchTo, Raw: false)))
        {
            Interlocked.Increment(ref _queuedPackets);
        }
    }

    /// <summary>Enqueues channel data once the send queue has room (back-pressure for program output).</summary>
    private async ValueTask EnqueueWhenRoomAsync(byte[] payload)
    {
        await WaitForSendSpaceAsync();
        Enqueue(payload);
    }

    private async ValueTask WaitForSendSpaceAsync()
    {
        while (true)
        {
            // The completion is taken before the count is read: the send loop drains the queue and
            // only then swaps in a new completion and completes the old one, so a waiter either
            // holds the completion that will be completed or sees the drained count. Read the other
            // way round, a waiter could check a full queue, miss the drain, take the new completion
            // and wait forever (nothing more is queued to wake the send loop).
            var space = Volatile.Read(ref _sendSpace);
            if (Volatile.Read(ref _queuedPackets) <= SendQueueHighWater || _abort.IsCancellationRequested)
            {
                return;
            }
            await space.Task.WaitAsync(_abort.Token);
        }
    }

    private void SignalSendSpace()
    {
        if (Volatile.Read(ref _queuedPackets) <= SendQueueHighWater / 2)
        {
            Interlocked.Exchange(ref _sendSpace, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private void EnqueueRaw(byte[] bytes) => _sendQueue.Writer.TryWrite(new OutboundItem(bytes, null, Raw: true));

    private async Task SendLoopAsync()
    {
        var output = _transport.Output;
        var deferred = new Queue<byte[]>();
        var kexActive = false;
        try
        {
            var reader = _sendQueue.Reader;
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                while (reader.TryRead(out var item))
                {
                    if (!item.Raw)
                    {
                        Interlocked.Decrement(ref _queuedPackets);
                    }
                    if (item.Raw)
                    {
                        output.Write(item.Bytes);
                        continue;
                    }
                    var number = item.Bytes[0];
                    // RFC 4253 §7.1: between our KEXINIT and our NEWKEYS only transport messages go out.
                    if (kexActive && number is > 49 or (>= 5 and <= 7))
                    {
                        deferred.Enqueue(item.Bytes);
                        continue;
                    }
                    _encoder.Encode(item.Bytes, output);
                    switch (number)
                    {
                        case SshMessageNumber.SSH_MSG_KEXINIT:
                            kexActive = true;
                            break;
                        case SshMessageNumber.SSH_MSG_NEWKEYS:
                            _encoder.SwitchTo(item.SwitchTo!);
                            if (_kex.Strict)
                            {
                                _encoder.SequenceNumber = 0;
                            }
                            kexActive = false;
                            break;
                        case SshMessageNumber.SSH_MSG_USERAUTH_SUCCESS when _encoder.State.DelayedCompression:
                            _encoder.State.CompressionActive = true;
                            break;
                        default:
                            break;
                    }
                    while (!kexActive && deferred.Count > 0)
                    {
                        _encoder.Encode(deferred.Dequeue(), output);
                    }
                }
                var flush = await output.FlushAsync(_abort.Token);
                SignalSendSpace();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            RecordEnd("send failed: " + e.Message);
        }
        finally
        {
            // A send failure must stop the receive loop too: one connection, one fate.
            try
            {
                _abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
            await output.CompleteAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort("disposed");
        await StopChannelsAsync();
        _decoder.Dispose();
        _encoder.Dispose();
        _abort.Dispose();
    }

    private readonly record struct OutboundItem(byte[] Bytes, DirectionState? SwitchTo, bool Raw);
}
