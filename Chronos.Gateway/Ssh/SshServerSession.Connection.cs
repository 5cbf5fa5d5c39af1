using System.Globalization;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Ssh;

/// <summary>The connection protocol (RFC 4254) as sshd with Debian's defaults answers it.</summary>
internal sealed partial class SshServerSession
{
    /// <summary>sshd refuses more than this many channels per connection (a pre-auth flood bound too).</summary>
    private const int MaxChannels = 64;

    private readonly Dictionary<uint, SessionChannel> _channels = [];
    private uint _nextChannelId;

    private void OnConnectionMessage(byte[] payload, uint sequenceNumber)
    {
        var reader = new SshReader(payload);
        switch (payload[0])
        {
            case SshMessageNumber.SSH_MSG_GLOBAL_REQUEST:
                OnGlobalRequest(ref reader);
                return;
            case SshMessageNumber.SSH_MSG_REQUEST_SUCCESS:
            case SshMessageNumber.SSH_MSG_REQUEST_FAILURE:
                // Replies to our want-reply=false hostkeys announcement never come; ignore stray ones.
                return;
            case SshMessageNumber.SSH_MSG_CHANNEL_OPEN:
                OnChannelOpen(ref reader);
                return;
            case SshMessageNumber.SSH_MSG_CHANNEL_WINDOW_ADJUST:
                {
                    reader.ReadByte();
                    var channel = FindChannel(reader.ReadUInt32(), "window adjust");
                    channel?.OnWindowAdjust(reader.ReadUInt32());
                    return;
                }
            case SshMessageNumber.SSH_MSG_CHANNEL_DATA:
                {
                    reader.ReadByte();
                    var channel = FindChannel(reader.ReadUInt32(), "data");
                    var data = reader.ReadString();
                    channel?.OnData(data);
                    return;
                }
            case SshMessageNumber.SSH_MSG_CHANNEL_EXTENDED_DATA:
                // sshd ignores extended data from the client (channels.c, no stderr input).
                return;
            case SshMessageNumber.SSH_MSG_CHANNEL_EOF:
                {
                    reader.ReadByte();
                    FindChannel(reader.ReadUInt32(), "ieof")?.OnEof();
                    return;
                }
            case SshMessageNumber.SSH_MSG_CHANNEL_CLOSE:
                {
                    reader.ReadByte();
                    var id = reader.ReadUInt32();
                    if (FindChannel(id, "oclose") is { } channel)
                    {
                        channel.CloseReceived = true;
                        channel.Stop();
                        channel.SendEofAndClose();
                        _channels.Remove(id);
                    }
                    return;
                }
            case SshMessageNumber.SSH_MSG_CHANNEL_REQUEST:
                OnChannelRequest(ref reader);
                return;
            case SshMessageNumber.SSH_MSG_CHANNEL_SUCCESS:
            case SshMessageNumber.SSH_MSG_CHANNEL_FAILURE:
                return;
            default:
                Enqueue(new UnimplementedMessage(sequenceNumber).Write());
                return;
        }
    }

    private SessionChannel? FindChannel(uint id, string what)
    {
        // channels.c channel_from_packet_id: a message for an unknown channel is fatal, in these words.
        if (!_channels.TryGetValue(id, out var channel))
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR, $"{what} packet referred to nonexistent channel {id}");
        }
        return channel;
    }

    private void OnGlobalRequest(ref SshReader reader)
    {
        var head = GlobalRequestHead.Read(ref reader);
        if (head.RequestName is "tcpip-forward" or "cancel-tcpip-forward" or "streamlocal-forward@openssh.com")
        {
            var address = head.RequestName == "tcpip-forward" ? reader.ReadUtf8String() : "";
            var port = head.RequestName == "tcpip-forward" ? reader.ReadUInt32() : 0;
            AuditForward(head.RequestName, address, port.ToString(CultureInfo.InvariantCulture));
        }
        // Unknown requests and refused forwardings alike: REQUEST_FAILURE when a reply is wanted.
        if (head.WantReply)
        {
            Enqueue([SshMessageNumber.SSH_MSG_REQUEST_FAILURE]);
        }
    }

    private void OnChannelOpen(ref SshReader reader)
    {
        var open = ChannelOpenHead.Read(ref reader);
        if (open.ChannelType != "session")
        {
            if (open.ChannelType is "direct-tcpip" or "direct-streamlocal@openssh.com")
            {
                var host = reader.ReadUtf8String();
                var port = open.ChannelType == "direct-tcpip" ? reader.ReadUInt32() : 0;
                AuditForward(open.ChannelType, host, port.ToString(CultureInfo.InvariantCulture));
            }
            // sshd with forwarding disabled (AllowTcpForwarding no / permitopen none): reason 1
            // "administratively prohibited" and the text "open failed".
            Enqueue(new ChannelOpenFailureMessage(open.SenderChannel,
                open.ChannelType is "direct-tcpip" or "direct-streamlocal@openssh.com" or "x11" or "auth-agent@openssh.com"
                    ? SshOpenFailureReason.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
                    : SshOpenFailureReason.SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
                open.ChannelType is "direct-tcpip" or "direct-streamlocal@openssh.com" ? "open failed" : "unknown channel type").Write());
            return;
        }
        if (_channels.Count >= MaxChannels)
        {
            Enqueue(new ChannelOpenFailureMessage(open.SenderChannel, SshOpenFailureReason.SSH_OPEN_RESOURCE_SHORTAGE, "open failed").Write());
            return;
        }
        var id = _nextChannelId++;
        var channel = new SessionChannel(id, open.SenderChannel, open.InitialWindowSize, open.MaximumPacketSize, p => Enqueue(p), EnqueueWhenRoomAsync);
        _channels[id] = channel;
        // sshd confirms a session with window 0 and opens it when the program starts.
        Enqueue(new ChannelOpenConfirmationMessage(open.SenderChannel, id, 0, SessionChannel.LocalMaxPacket).Write());
    }

    private void OnChannelRequest(ref SshReader reader)
    {
        var head = ChannelRequestHead.Read(ref reader);
        var channel = FindChannel(head.RecipientChannel, "channel request")!;
        var success = head.RequestType switch
        {
            "pty-req" when !channel.Started && channel.Pty is null => OnPtyRequest(channel, ref reader),
            "env" when !channel.Started => OnEnv(channel, ref reader),
            "window-change" => OnWindowChange(channel, ref reader),
            "signal" => OnSignal(channel, ref reader),
            "shell" when !channel.Started => StartProgram(channel, SshSessionKind.Shell, null, null),
            "exec" when !channel.Started => StartProgram(channel, SshSessionKind.Exec, reader.ReadUtf8String(), null),
            "subsystem" when !channel.Started => StartProgram(channel, SshSessionKind.Subsystem, null, reader.ReadAsciiString()),
            _ => false,
        };
        if (head.WantReply)
        {
            Enqueue(ChannelSignalMessage.Write(success ? SshMessageNumber.SSH_MSG_CHANNEL_SUCCESS : SshMessageNumber.SSH_MSG_CHANNEL_FAILURE, channel.RemoteId));
        }
    }

    private static bool OnPtyRequest(SessionChannel channel, ref SshReader reader)
    {
        channel.Pty = new SshPty(reader.ReadAsciiString(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadString().ToArray());
        return true;
    }

    private static bool OnEnv(SessionChannel channel, ref SshReader reader)
    {
        var name = reader.ReadUtf8String();
        var value = reader.ReadUtf8String();
        // Debian and Ubuntu ship "AcceptEnv LANG LC_*"; sshd caps a session at 128 variables.
        if (channel.Environment.Count > 128 || !(name == "LANG" || name.StartsWith("LC_", StringComparison.Ordinal)))
        {
            return false;
        }
        channel.Environment[name] = value;
        return true;
    }

    private static bool OnWindowChange(SessionChannel channel, ref SshReader reader)
    {
        var columns = reader.ReadUInt32();
        var rows = reader.ReadUInt32();
        channel.Streams.RaiseWindowChanged(columns, rows);
        return true;
    }

    private static bool OnSignal(SessionChannel channel, ref SshReader reader)
    {
        var name = reader.ReadAsciiString();
        if (!channel.Started)
        {
            return false;
        }
        channel.Streams.RaiseSignal(name);
        return true;
    }

    private bool StartProgram(SessionChannel channel, SshSessionKind kind, string? command, string? subsystem)
    {
        var handler = _context.SessionHandler;
        _ = AuditAsyncNoThrow(SshAuditOps.SessionRequest, new Dictionary<string, string>
        {
            ["user"] = _authUser ?? "",
            ["kind"] = kind.ToString().ToLowerInvariant(),
            ["command"] = command ?? subsystem ?? "",
            ["pty"] = channel.Pty?.Term ?? "",
        });
        if (handler is null)
        {
            // No sandbox wired yet: refuse as sshd refuses a session it cannot start, never fake output.
            return false;
        }
        if (kind == SshSessionKind.Subsystem && !handler.AcceptsSubsystem(subsystem ?? ""))
        {
            // sshd: "subsystem request for nosuch by user root failed, subsystem not found".
            return false;
        }
        channel.Started = true;
        var request = new SshSessionRequest(World, Id, _authUser ?? "", ClientVersion, RemoteEndPoint, kind, command, subsystem,
            channel.Pty, new Dictionary<string, string>(channel.Environment));
        channel.OpenLocalWindow();
        // The SUCCESS reply is enqueued by the caller after this returns, so it follows the WINDOW_ADJUST.
        channel.Program = Task.Run(() => RunProgramAsync(handler, request, channel));
        return true;
    }

    private async Task RunProgramAsync(ISshSessionHandler handler, SshSessionRequest request, SessionChannel channel)
    {
        byte[] exit;
        try
        {
            var status = await handler.RunAsync(request, channel.Streams, channel.Cancellation.Token);
            exit = ChannelRequestHead.WriteExitStatus(channel.RemoteId, unchecked((uint)status));
        }
        catch (SshExitSignalException signal)
        {
            exit = ChannelRequestHead.WriteExitSignal(channel.RemoteId, signal.SignalName, signal.CoreDumped, "");
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            // Channel-local failure: this channel ends, the connection stays.
            Log.ChannelFailed(_context.Logger, e, Id, channel.LocalId);
            exit = ChannelRequestHead.WriteExitStatus(channel.RemoteId, 255);
        }
        channel.Finish(exit);
    }

    private void AuditForward(string kind, string host, string port) =>
        _ = AuditAsyncNoThrow(SshAuditOps.ForwardRefused, new Dictionary<string, string>
        {
            ["user"] = _authUser ?? "",
            ["kind"] = kind,
            ["host"] = host,
            ["port"] = port,
        });

    private async Task AuditAsyncNoThrow(string op, Dictionary<string, string> extra)
    {
        extra["client_version"] = ClientVersion;
        extra["hassh"] = ClientHassh;
        extra["source"] = RemoteEndPoint?.ToString() ?? "";
        try
        {
            await _context.Audit.AppendAsync(World, Id, op, extra, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.AuditFailed(_context.Logger, e, Id);
        }
    }

    private async Task StopChannelsAsync()
    {
        var programs = new List<Task>();
        foreach (var channel in _channels.Values)
        {
            channel.Stop();
            if (channel.Program is { } program)
            {
                programs.Add(program);
            }
        }
        _channels.Clear();
        try
        {
            await Task.WhenAll(programs).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
    }
}
