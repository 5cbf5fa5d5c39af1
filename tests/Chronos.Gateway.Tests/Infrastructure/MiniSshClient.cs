using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Chronos.Gateway.Ssh.Algorithms;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Transport;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// A minimal SSH client built on the Gateway's own packet layer (curve25519-sha256, ssh-ed25519,
/// one cipher and MAC of the caller's choice), verifying the server's host key signature. It lets
/// tests and the fuzzer speak exact messages after key exchange: malformed payloads, bad MACs,
/// oversized windows, out-of-order requests.
/// </summary>
public sealed class MiniSshClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly PacketEncoder _encoder = new();
    private readonly PacketDecoder _decoder = new();
    private byte[] _buffer = new byte[16384];
    private int _buffered;

    private MiniSshClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public string ServerBanner { get; private set; } = "";

    public byte[] SessionId { get; private set; } = [];

    public List<byte[]> ExtInfo { get; } = [];

    public static async Task<MiniSshClient> ConnectAsync(int port, string cipher = "aes128-ctr", string mac = "hmac-sha2-256", bool strict = true, string[]? extraKex = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        var client = new MiniSshClient(tcp);
        try
        {
            await client.HandshakeAsync(cipher, mac, strict, extraKex ?? []);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    private async Task HandshakeAsync(string cipher, string mac, bool strict, string[] extraKex)
    {
        const string clientVersion = "SSH-2.0-ChronosMiniClient_1.0";
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(clientVersion + "\r\n"));
        ServerBanner = await ReadLineAsync();
        var kex = new KexInitMessage(
            ["curve25519-sha256", "ext-info-c", .. extraKex, .. strict ? new[] { "kex-strict-c-v00@openssh.com" } : []],
            ["ssh-ed25519"], [cipher], [cipher], [mac], [mac], ["none"], ["none"], [], [], false);
        var clientKexInit = kex.Write();
        await SendAsync(clientKexInit);
        var serverKexInit = await ReceiveAsync();
        if (serverKexInit[0] != SshMessageNumber.SSH_MSG_KEXINIT)
        {
            throw new InvalidOperationException($"expected KEXINIT, got {serverKexInit[0]}");
        }

        var privateKey = Curve25519Kex.NewPrivateKey();
        var publicKey = privateKey.GeneratePublicKey().GetEncoded();
        await SendAsync(new SshWriter(40).WriteByte(SshMessageNumber.SSH_MSG_KEX_ECDH_INIT).WriteString(publicKey).ToArray());
        var reply = await ReceiveAsync();
        var reader = new SshReader(reply);
        reader.ReadByte();
        var hostKey = reader.ReadString().ToArray();
        var serverPublic = reader.ReadString().ToArray();
        var signature = reader.ReadString().ToArray();
        var secret = Curve25519Kex.Agree(privateKey, serverPublic);
        var sharedSecret = new SshWriter(40).WriteMPInt(secret).ToArray();
        var exchangeHash = SHA256.HashData(new SshWriter(4096)
            .WriteString(clientVersion).WriteString(ServerBanner).WriteString(clientKexInit).WriteString(serverKexInit)
            .WriteString(hostKey).WriteString(publicKey).WriteString(serverPublic).WriteRaw(sharedSecret).WrittenSpan);
        if (!SignatureVerifier.Verify(hostKey, signature, exchangeHash))
        {
            throw new InvalidOperationException("host key signature does not verify");
        }
        SessionId = exchangeHash;
        var keys = new KeySchedule(HashAlgorithmName.SHA256, sharedSecret, exchangeHash, exchangeHash);
        var outgoing = Direction(keys, cipher, mac, 'A', 'C', 'E');
        var incoming = Direction(keys, cipher, mac, 'B', 'D', 'F');

        await SendAsync([SshMessageNumber.SSH_MSG_NEWKEYS]);
        _encoder.SwitchTo(outgoing);
        if (strict)
        {
            _encoder.SequenceNumber = 0;
        }
        var newKeys = await ReceiveAsync();
        if (newKeys[0] != SshMessageNumber.SSH_MSG_NEWKEYS)
        {
            throw new InvalidOperationException($"expected NEWKEYS, got {newKeys[0]}");
        }
        _decoder.SwitchTo(incoming);
        if (strict)
        {
            _decoder.SequenceNumber = 0;
        }
    }

    private static DirectionState Direction(KeySchedule keys, string cipher, string mac, char ivLetter, char keyLetter, char macLetter)
    {
        SshAlgorithms.TryGetCipher(cipher, out var info);
        var iv = keys.Derive(ivLetter, info.IvLength);
        var key = keys.Derive(keyLetter, info.KeyLength);
        return info.IsAead
            ? new DirectionState(null, null, SshAlgorithms.CreateAead(cipher, key, iv), null, false)
            : new DirectionState(SshAlgorithms.CreateStreamCipher(cipher, key, iv),
                SshAlgorithms.CreateMac(mac, keys.Derive(macLetter, SshAlgorithms.MacKeyLength(mac))), null, null, false);
    }

    /// <summary>Sends ssh-userauth and a password request; returns the answer's message number (52 success, 51 failure).</summary>
    public async Task<byte> AuthenticateWithPasswordAsync(string user, string password)
    {
        await SendAsync(new SshWriter(32).WriteByte(SshMessageNumber.SSH_MSG_SERVICE_REQUEST).WriteString("ssh-userauth").ToArray());
        await ExpectAsync(SshMessageNumber.SSH_MSG_SERVICE_ACCEPT);
        return await PasswordAttemptAsync(user, password);
    }

    public async Task<byte> PasswordAttemptAsync(string user, string password)
    {
        await SendAsync(new SshWriter(64).WriteByte(SshMessageNumber.SSH_MSG_USERAUTH_REQUEST).WriteString(user)
            .WriteString("ssh-connection").WriteString("password").WriteBoolean(false).WriteString(password).ToArray());
        var answer = await ReceiveSkippingAsync();
        return answer[0];
    }

    /// <summary>Opens a session channel; returns (server channel id, initial window, max packet).</summary>
    public async Task<(uint Channel, uint Window, uint MaxPacket)> OpenSessionAsync(uint localChannel = 0, uint window = 2097152)
    {
        await SendAsync(new SshWriter(32).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_OPEN).WriteString("session")
            .WriteUInt32(localChannel).WriteUInt32(window).WriteUInt32(32768).ToArray());
        var confirmation = await ExpectAsync(SshMessageNumber.SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
        var reader = new SshReader(confirmation);
        reader.ReadByte();
        reader.ReadUInt32();
        return (reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
    }

    public Task SendExecAsync(uint serverChannel, string command) =>
        SendAsync(new SshWriter(64).WriteByte(SshMessageNumber.SSH_MSG_CHANNEL_REQUEST).WriteUInt32(serverChannel)
            .WriteString("exec").WriteBoolean(true).WriteString(command).ToArray());

    /// <summary>Receives the next message that is not a global request / EXT_INFO / IGNORE.</summary>
    public async Task<byte[]> ReceiveSkippingAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(timeout);
            if (message[0] is SshMessageNumber.SSH_MSG_GLOBAL_REQUEST or SshMessageNumber.SSH_MSG_IGNORE)
            {
                continue;
            }
            if (message[0] == SshMessageNumber.SSH_MSG_EXT_INFO)
            {
                ExtInfo.Add(message);
                continue;
            }
            return message;
        }
    }

    public async Task<byte[]> ExpectAsync(byte number)
    {
        var message = await ReceiveSkippingAsync();
        if (message[0] != number)
        {
            throw new InvalidOperationException($"expected message {number}, got {message[0]}");
        }
        return message;
    }

    public Task SendAsync(byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>(payload.Length + 64);
        _encoder.Encode(payload, writer);
        return _stream.WriteAsync(writer.WrittenMemory).AsTask();
    }

    /// <summary>Sends bytes exactly as given (for wrong lengths and corrupted packets).</summary>
    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Encodes a packet with the current keys and hands the wire bytes to the caller unsent.</summary>
    public byte[] EncodeOnly(byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>(payload.Length + 64);
        _encoder.Encode(payload, writer);
        return writer.WrittenSpan.ToArray();
    }

    public async Task<byte[]> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _buffered);
            if (_decoder.TryDecode(ref sequence, out var payload))
            {
                var consumed = _buffered - (int)sequence.Length;
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _buffered - consumed);
                _buffered -= consumed;
                return payload;
            }
            if (_buffered == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_buffered), deadline.Token);
            if (read == 0)
            {
                throw new EndOfStreamException("server closed the connection");
            }
            _buffered += read;
        }
    }

    /// <summary>True when the server closes the connection within the timeout, with no more messages.</summary>
    public async Task<(bool Closed, List<byte[]> Messages)> DrainUntilClosedAsync(TimeSpan timeout)
    {
        var messages = new List<byte[]>();
        try
        {
            while (true)
            {
                messages.Add(await ReceiveAsync(timeout));
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or SshProtocolException)
        {
            return (true, messages);
        }
        catch (OperationCanceledException)
        {
            return (false, messages);
        }
    }

    private async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one) == 0)
            {
                throw new EndOfStreamException("closed during identification");
            }
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            }
            line.Add(one[0]);
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
