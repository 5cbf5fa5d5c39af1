using System.Buffers;
using System.IO.Pipelines;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Ssh.Connection;

/// <summary>
/// One "session" channel (RFC 4254 §6): its two windows, the stdin pipe fed by CHANNEL_DATA, and
/// the EOF/CLOSE bookkeeping. Outgoing data waits for the client's window; incoming data is
/// credited back with WINDOW_ADJUST as the program reads it.
/// </summary>
internal sealed class SessionChannel
{
    /// <summary>sshd's CHAN_SES_WINDOW_DEFAULT (64 × 32 KiB) and CHAN_SES_PACKET_DEFAULT.</summary>
    public const uint LocalWindow = 2097152;
    public const uint LocalMaxPacket = 32768;

    private readonly Action<byte[]> _send;
    private readonly Pipe _stdin = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly SemaphoreSlim _windowAvailable = new(0);
    private readonly Lock _gate = new();
    private long _remoteWindow;
    private long _localWindowLeft;
    private long _consumedSinceAdjust;
    private bool _eofSent;

    public SessionChannel(uint localId, uint remoteId, uint remoteWindow, uint remoteMaxPacket, Action<byte[]> send)
    {
        LocalId = localId;
        RemoteId = remoteId;
        _remoteWindow = remoteWindow;
        RemoteMaxPacket = Math.Max(1, Math.Min(remoteMaxPacket, LocalMaxPacket));
        _send = send;
        Streams = new SshChannelStreams(new CountingReader(_stdin.Reader, this), new ChannelOutputStream(this, 0), new ChannelOutputStream(this, 1));
    }

    public uint LocalId { get; }

    public uint RemoteId { get; }

    public uint RemoteMaxPacket { get; }

    public SshChannelStreams Streams { get; }

    public bool Started { get; set; }

    public bool CloseReceived { get; set; }

    public bool CloseSent { get; private set; }

    public SshPty? Pty { get; set; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public CancellationTokenSource Cancellation { get; } = new();

    public Task? Program { get; set; }

    /// <summary>Opens our receive window (sshd sends this just before shell/exec SUCCESS).</summary>
    public void OpenLocalWindow()
    {
        _localWindowLeft = LocalWindow;
        _send(new ChannelWindowAdjustMessage(RemoteId, LocalWindow).Write());
    }

    public void OnData(ReadOnlySpan<byte> data)
    {
        // channels.c channel_input_data: data beyond the window is dropped, the connection kept.
        if (data.Length > _localWindowLeft || _stdin.Writer is null)
        {
            return;
        }
        _localWindowLeft -= data.Length;
        _stdin.Writer.Write(data);
        _ = _stdin.Writer.FlushAsync();
    }

    public void OnEof() => _stdin.Writer.Complete();

    public void OnWindowAdjust(uint bytes)
    {
        lock (_gate)
        {
            // channels.c: a window adjust that overflows the window is fatal.
            if (_remoteWindow + bytes > uint.MaxValue)
            {
                throw SshProtocolException.Silent($"channel {LocalId}: adjust {bytes} overflows remote window {_remoteWindow}");
            }
            _remoteWindow += bytes;
        }
        _windowAvailable.Release();
    }

    private void OnConsumed(long bytes)
    {
        lock (_gate)
        {
            _consumedSinceAdjust += bytes;
            // Credit back once half the window is used, as channel_check_window does.
            if (_consumedSinceAdjust < LocalWindow / 2 || CloseSent)
            {
                return;
            }
            var credit = (uint)_consumedSinceAdjust;
            _consumedSinceAdjust = 0;
            _localWindowLeft += credit;
            _send(new ChannelWindowAdjustMessage(RemoteId, credit).Write());
        }
    }

    public async ValueTask SendDataAsync(int stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int chunk;
            lock (_gate)
            {
                chunk = (int)Math.Min(Math.Min(_remoteWindow, RemoteMaxPacket), data.Length);
                _remoteWindow -= chunk;
            }
            if (chunk == 0)
            {
                await _windowAvailable.WaitAsync(cancellationToken);
                continue;
            }
            if (CloseSent || CloseReceived)
            {
                return;
            }
            _send(stream == 0
                ? ChannelDataMessage.Write(RemoteId, data.Span[..chunk])
                : ChannelDataMessage.WriteExtended(RemoteId, 1, data.Span[..chunk]));
            data = data[chunk..];
        }
    }

    /// <summary>exit-status (or exit-signal), EOF, CLOSE: the order sshd sends them in.</summary>
    public void Finish(byte[] exitMessage)
    {
        lock (_gate)
        {
            if (CloseSent)
            {
                return;
            }
            if (!CloseReceived)
            {
                _send(exitMessage);
            }
            SendEofAndClose();
        }
    }

    public void SendEofAndClose()
    {
        lock (_gate)
        {
            if (CloseSent)
            {
                return;
            }
            if (!_eofSent && !CloseReceived)
            {
                _eofSent = true;
                _send(ChannelSignalMessage.Write(SshMessageNumber.SSH_MSG_CHANNEL_EOF, RemoteId));
            }
            CloseSent = true;
            _send(ChannelSignalMessage.Write(SshMessageNumber.SSH_MSG_CHANNEL_CLOSE, RemoteId));
        }
    }

    public void Stop()
    {
        _stdin.Writer.Complete();
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        _windowAvailable.Release();
    }

    private sealed class CountingReader(PipeReader inner, SessionChannel channel) : PipeReader
    {
        private long _lastExamined;

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            // Credit what the program consumed; the count comes from the last read's buffer.
            var consumedBytes = _lastBuffer.Slice(0, consumed).Length;
            _lastExamined = 0;
            inner.AdvanceTo(consumed, examined);
            if (consumedBytes > 0)
            {
                channel.OnConsumed(consumedBytes);
            }
        }

        private System.Buffers.ReadOnlySequence<byte> _lastBuffer;

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            _lastBuffer = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            var ok = inner.TryRead(out result);
            if (ok)
            {
                _lastBuffer = result.Buffer;
            }
            return ok;
        }

        public override string ToString() => $"stdin of channel {channel.LocalId} ({_lastExamined})";
    }

    private sealed class ChannelOutputStream(SessionChannel channel, int stream) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            channel.SendDataAsync(stream, buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
