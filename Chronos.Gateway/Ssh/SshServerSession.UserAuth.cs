using System.Globalization;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Ssh;

/// <summary>User authentication (RFC 4252, RFC 4256), answered as the persona's sshd answers (auth2.c).</summary>
internal sealed partial class SshServerSession
{
    private bool _userAuthAccepted;
    private bool _authenticated;
    private string? _authUser;
    private int _authFailures;
    private int _authAttempts;
    private bool _secondExtInfoSent;
    private string? _pendingKeyboardInteractive;

    /// <summary>The user name that authenticated.</summary>
    public string? UserName => _authenticated ? _authUser : null;

    private string Methods => _context.Profile.KeyboardInteractive ? "publickey,password,keyboard-interactive" : "publickey,password";

    private void OnServiceRequest(byte[] payload)
    {
        var request = ServiceRequestMessage.Parse(payload);
        if (request.ServiceName != "ssh-userauth" || _userAuthAccepted)
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR, $"bad service request {request.ServiceName}");
        }
        _userAuthAccepted = true;
        Enqueue(new ServiceAcceptMessage("ssh-userauth").Write());
    }

    private async ValueTask OnUserAuthRequestAsync(byte[] payload)
    {
        var reader = new SshReader(payload);
        var head = UserAuthRequestHead.Read(ref reader);
        _authAttempts++;
        if (_authUser is not null && _authUser != head.UserName)
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR,
                $"Change of username or service not allowed: ({_authUser},ssh-connection) -> ({head.UserName},{head.ServiceName})");
        }
        _authUser = head.UserName;
        if (head.ServiceName != "ssh-connection")
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR, $"bad service request {head.ServiceName}");
        }
        // 9.6: a second EXT_INFO right after the first USERAUTH_REQUEST (ext-info-in-auth@openssh.com).
        if (_context.Profile.SupportsPingAndExtInfoInAuth && _kex.ClientExtInfoInAuth && !_secondExtInfoSent)
        {
            _secondExtInfoSent = true;
            SendExtInfo(initial: false);
        }

        switch (head.MethodName)
        {
            case "none":
                await AuditAsync(head.UserName, "none", new Dictionary<string, string>(), accepted: false);
                await FailAsync(counts: _authAttempts > 1, delay: false);
                return;
            case "password":
                {
                    var changing = reader.ReadBoolean();
                    var password = reader.ReadUtf8String();
                    if (changing)
                    {
                        reader.ReadUtf8String();
                    }
                    await FinishPasswordAsync("password", head.UserName, password);
                    return;
                }
            case "publickey" or "publickey-hostbound-v00@openssh.com":
                await OnPublicKeyAsync(head, ReadPublicKeyRequest(head, ref reader));
                return;
            case "keyboard-interactive" when _context.Profile.KeyboardInteractive:
                _pendingKeyboardInteractive = head.UserName;
                Enqueue(UserAuthInfoRequestMessage.Write("Password: ", echo: false));
                return;
            default:
                await AuditAsync(head.UserName, head.MethodName, new Dictionary<string, string>(), accepted: false);
                await FailAsync(counts: true, delay: false);
                return;
        }
    }

    private async ValueTask OnKeyboardInteractiveResponseAsync(byte[] payload)
    {
        var user = _pendingKeyboardInteractive!;
        _pendingKeyboardInteractive = null;
        var reader = new SshReader(payload);
        reader.ReadByte();
        var count = reader.ReadUInt32();
        var password = count >= 1 ? reader.ReadUtf8String() : "";
        await FinishPasswordAsync("keyboard-interactive", user, password);
    }

    private async ValueTask FinishPasswordAsync(string method, string user, string password)
    {
        var accepted = _context.Policy.Accepts(new SshCredential(user, method, password, null, _authFailures + 1));
        await AuditAsync(user, method, new Dictionary<string, string> { ["password"] = password }, accepted);
        if (accepted)
        {
            await SucceedAsync(new SshLogin(_context.World, Id, user, method, password, null, RemoteEndPoint));
            return;
        }
        await FailAsync(counts: true, delay: true);
    }

    private sealed record PublicKeyRequest(bool HasSignature, string Algorithm, byte[] KeyBlob, byte[]? HostKeyBlob, byte[] Signature);

    private static PublicKeyRequest ReadPublicKeyRequest(UserAuthRequestHead head, ref SshReader reader)
    {
        var hasSignature = reader.ReadBoolean();
        var algorithm = reader.ReadAsciiString();
        var keyBlob = reader.ReadString().ToArray();
        byte[]? hostKeyBlob = head.MethodName == "publickey-hostbound-v00@openssh.com" ? reader.ReadString().ToArray() : null;
        var signature = hasSignature ? reader.ReadString().ToArray() : [];
        return new PublicKeyRequest(hasSignature, algorithm, keyBlob, hostKeyBlob, signature);
    }

    private async ValueTask OnPublicKeyAsync(UserAuthRequestHead head, PublicKeyRequest request)
    {
        var (hasSignature, algorithm, keyBlob, hostKeyBlob, signature) = request;
        var fingerprint = PublicKeyVerifier.Fingerprint(keyBlob);
        var extra = new Dictionary<string, string> { ["key_algorithm"] = algorithm, ["key_fingerprint"] = fingerprint, ["signed"] = hasSignature ? "1" : "0" };

        var usable = PublicKeyVerifier.IsSupported(algorithm) &&
            _context.Policy.Accepts(new SshCredential(head.UserName, "publickey", null, fingerprint, _authFailures + 1));
        if (!hasSignature)
        {
            await AuditAsync(head.UserName, "publickey", extra, accepted: false);
            if (usable)
            {
                Enqueue(UserAuthPkOkMessage.Write(algorithm, keyBlob));
                return;
            }
            await FailAsync(counts: true, delay: false);
            return;
        }

        var signed = new SshWriter(keyBlob.Length + 256)
            .WriteString(_sessionId).WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_REQUEST)
            .WriteString(head.UserName).WriteString(head.ServiceName).WriteString(head.MethodName)
            .WriteBoolean(true).WriteString(algorithm).WriteString(keyBlob);
        if (hostKeyBlob is not null)
        {
            signed.WriteString(hostKeyBlob);
        }
        var verified = usable && PublicKeyVerifier.Verify(algorithm, keyBlob, signature, signed.WrittenSpan) &&
            (hostKeyBlob is null || _context.HostKeys.Any(k => k.PublicKeyBlob.AsSpan().SequenceEqual(hostKeyBlob)));
        await AuditAsync(head.UserName, "publickey", extra, verified);
        if (verified)
        {
            await SucceedAsync(new SshLogin(_context.World, Id, head.UserName, "publickey", null, fingerprint, RemoteEndPoint));
            return;
        }
        await FailAsync(counts: true, delay: false);
    }

    private void Succeed()
    {
        _authenticated = true;
        Enqueue(UserAuthSuccessMessage.Write());
        // zlib@openssh.com: the client compresses everything after it has seen our SUCCESS.
        if (_decoder.State.DelayedCompression)
        {
            _decoder.State.CompressionActive = true;
        }
        Enqueue(HostKeysAnnouncement.Write(_context.HostKeys.Select(k => k.PublicKeyBlob)));
    }

    private async ValueTask FailAsync(bool counts, bool delay)
    {
        if (delay)
        {
            var wait = _context.FailureDelay.NextFailureDelay();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _abort.Token);
            }
        }
        if (counts)
        {
            _authFailures++;
        }
        // auth2.c userauth_finish: at MaxAuthTries the connection ends instead of another FAILURE.
        if (_authFailures >= _context.Profile.MaxAuthTries)
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures");
        }
        Enqueue(new UserAuthFailureMessage(Methods, PartialSuccess: false).Write());
    }

    private async ValueTask AuditAsync(string user, string method, Dictionary<string, string> extra, bool accepted)
    {
        extra["user"] = user;
        extra["method"] = method;
        extra["accepted"] = accepted ? "1" : "0";
        extra["client_version"] = ClientVersion;
        extra["hassh"] = ClientHassh;
        extra["source"] = RemoteEndPoint?.ToString() ?? "";
        extra["attempt"] = _authAttempts.ToString(CultureInfo.InvariantCulture);
        Log.AuthAttempt(_context.Logger, Id, method, user, accepted ? "accepted" : "failed");
        try
        {
            await _context.Audit.AppendAsync(_context.World, Id, SshAuditOps.AuthAttempt, extra, _abort.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Audit first, but a dead audit sink must not let an attacker tell us apart by a hang.
            Log.AuditFailed(_context.Logger, e, Id);
        }
    }
}
