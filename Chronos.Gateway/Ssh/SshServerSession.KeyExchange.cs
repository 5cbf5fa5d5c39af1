using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Algorithms;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.HostKeys;
using Chronos.Gateway.Ssh.Transport;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Ssh;

/// <summary>Key exchange (RFC 4253 §7–§9), strict KEX (OpenSSH PROTOCOL §1.10), EXT_INFO (RFC 8308).</summary>
internal sealed partial class SshServerSession
{
    private readonly KexState _kex = new();
    private byte[]? _sessionId;

    private sealed class KexState
    {
        public bool IsActive => ServerKexInit is not null;

        public bool Initial { get; set; } = true;

        public bool Strict { get; set; }

        public bool ClientExtInfo { get; set; }

        public bool ClientExtInfoInAuth { get; set; }

        public byte[]? ServerKexInit { get; set; }

        public byte[]? ClientKexInit { get; set; }

        public Negotiated? Chosen { get; set; }

        public bool IgnoreNextKexPacket { get; set; }

        public KexDhGexRequestMessage GexRequest { get; set; }

        public DhGroup? GexGroup { get; set; }

        public (DirectionState In, DirectionState Out)? PendingKeys { get; set; }

        public bool NewKeysSent { get; set; }

        public void Finish()
        {
            ServerKexInit = null;
            ClientKexInit = null;
            Chosen = null;
            PendingKeys = null;
            GexGroup = null;
            NewKeysSent = false;
            Initial = false;
        }
    }

    private sealed record Negotiated(
        string Kex, string HostKeyAlgorithm, HostKey HostKey,
        string CipherIn, string CipherOut, string MacIn, string MacOut, string CompressionIn, string CompressionOut);

    private static bool IsAllowedDuringKex(byte number) =>
        number is (>= 1 and <= 4) or (>= 20 and <= 49);

    private void SendKexInit()
    {
        var profile = _context.Profile;
        var hostKeyAlgorithms = profile.HostKeyAlgorithms
            .Where(a => _context.HostKeys.Any(k => k.SignatureAlgorithms.Contains(a))).ToArray();
        var message = new KexInitMessage(
            [.. profile.KexAlgorithms], hostKeyAlgorithms,
            [.. profile.Ciphers], [.. profile.Ciphers], [.. profile.Macs], [.. profile.Macs],
            [.. profile.Compression], [.. profile.Compression], [], [], false);
        _kex.ServerKexInit = message.Write();
        Enqueue(_kex.ServerKexInit);
    }

    private void KexProtocolError(byte number, uint sequenceNumber)
    {
        if (_kex.Strict && _kex.Initial)
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR,
                $"strict KEX violation: unexpected packet type {number} (seqnr {sequenceNumber})");
        }
        // kex.c kex_protocol_error: UNIMPLEMENTED, the exchange goes on.
        Enqueue(new UnimplementedMessage(sequenceNumber).Write());
    }

    private void OnKexInit(byte[] payload, uint sequenceNumber)
    {
        if (_kex.ClientKexInit is not null)
        {
            throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR, "kex_input_kexinit: unexpected KEXINIT");
        }
        var client = KexInitMessage.Parse(payload);
        if (!_kex.IsActive)
        {
            // The client started a rekey: answer with ours first (RFC 4253 §9).
            SendKexInit();
        }
        _kex.ClientKexInit = payload;

        if (_kex.Initial)
        {
            _kex.Strict = client.KexAlgorithms.Contains("kex-strict-c-v00@openssh.com") &&
                _context.Profile.KexAlgorithms.Contains("kex-strict-s-v00@openssh.com");
            if (_kex.Strict && sequenceNumber != 0)
            {
                throw SshProtocolException.Disconnect(SshDisconnectReason.SSH_DISCONNECT_PROTOCOL_ERROR,
                    "strict KEX violation: KEXINIT was not the first packet");
            }
            _kex.ClientExtInfo = client.KexAlgorithms.Contains("ext-info-c");
            _kex.ClientExtInfoInAuth = client.KexAlgorithms.Contains("ext-info-in-auth@openssh.com");
            ClientHassh = SshFingerprints.Hassh(client.KexAlgorithms, client.EncryptionClientToServer, client.MacClientToServer, client.CompressionClientToServer);
        }

        var chosen = Negotiate(client) ?? throw SshProtocolException.Silent("no matching algorithm");
        _kex.Chosen = chosen;
        // RFC 4253 §7: a wrong guess means the client's next kex packet must be ignored. As in
        // OpenSSH's proposals_match, the guess is right only when both sides' first KEX and first
        // host key algorithms are the same.
        var server = KexInitMessage.Parse(_kex.ServerKexInit!);
        _kex.IgnoreNextKexPacket = client.FirstKexPacketFollows &&
            (client.KexAlgorithms.FirstOrDefault() != server.KexAlgorithms.FirstOrDefault() ||
             client.ServerHostKeyAlgorithms.FirstOrDefault() != server.ServerHostKeyAlgorithms.FirstOrDefault());
    }

    private Negotiated? Negotiate(KexInitMessage client)
    {
        var profile = _context.Profile;
        var kex = First(client.KexAlgorithms, profile.KexAlgorithms.Where(SshAlgorithms.IsKnownKex));
        var hostKeyAlgorithm = First(client.ServerHostKeyAlgorithms,
            profile.HostKeyAlgorithms.Where(a => _context.HostKeys.Any(k => k.SignatureAlgorithms.Contains(a))));
        var cipherIn = First(client.EncryptionClientToServer, profile.Ciphers.Where(SshAlgorithms.IsKnownCipher));
        var cipherOut = First(client.EncryptionServerToClient, profile.Ciphers.Where(SshAlgorithms.IsKnownCipher));
        var macIn = First(client.MacClientToServer, profile.Macs.Where(SshAlgorithms.IsKnownMac));
        var macOut = First(client.MacServerToClient, profile.Macs.Where(SshAlgorithms.IsKnownMac));
        var compressionIn = First(client.CompressionClientToServer, profile.Compression.Where(SshCompressionFactory.IsAvailable));
        var compressionOut = First(client.CompressionServerToClient, profile.Compression.Where(SshCompressionFactory.IsAvailable));
        if (kex is null || hostKeyAlgorithm is null || cipherIn is null || cipherOut is null || compressionIn is null || compressionOut is null)
        {
            return null;
        }
        // An AEAD cipher brings its own integrity; the MAC list is then not consulted (sshd: "<implicit>").
        if ((macIn is null && !IsAead(cipherIn)) || (macOut is null && !IsAead(cipherOut)))
        {
            return null;
        }
        var hostKey = _context.HostKeys.First(k => k.SignatureAlgorithms.Contains(hostKeyAlgorithm));
        return new Negotiated(kex, hostKeyAlgorithm, hostKey, cipherIn, cipherOut, macIn ?? "", macOut ?? "", compressionIn, compressionOut);
    }

    private static bool IsAead(string cipher) => SshAlgorithms.TryGetCipher(cipher, out var info) && info.IsAead;

    private static string? First(IEnumerable<string> clientPreference, IEnumerable<string> serverSupported)
    {
        var server = serverSupported.ToHashSet(StringComparer.Ordinal);
        return clientPreference.FirstOrDefault(server.Contains);
    }

    private void OnKexMethodMessage(byte[] payload, uint sequenceNumber)
    {
        var chosen = _kex.Chosen;
        if (chosen is null || _kex.NewKeysSent)
        {
            KexProtocolError(payload[0], sequenceNumber);
            return;
        }
        if (_kex.IgnoreNextKexPacket)
        {
            _kex.IgnoreNextKexPacket = false;
            return;
        }
        var number = payload[0];
        if (SshAlgorithms.IsGroupExchange(chosen.Kex))
        {
            if (number == SshMessageNumber.SSH_MSG_KEX_DH_GEX_REQUEST && _kex.GexGroup is null)
            {
                var request = KexDhGexRequestMessage.Parse(payload);
                _kex.GexRequest = request;
                try
                {
                    _kex.GexGroup = _context.Moduli.ChooseForRequest(request.Min, request.Preferred, request.Max);
                }
                catch (SshKexException e)
                {
                    // sshd: kex fails, sshpkt_fatal → logdie: the connection closes without a word.
                    throw new SshProtocolException(e.Message, e);
                }
                Enqueue(KexDhGexGroupMessage.Write(
                    _kex.GexGroup.Prime.ToByteArray(isUnsigned: true, isBigEndian: true),
                    _kex.GexGroup.Generator.ToByteArray(isUnsigned: true, isBigEndian: true)));
                return;
            }
            if (number == SshMessageNumber.SSH_MSG_KEX_DH_GEX_INIT && _kex.GexGroup is not null)
            {
                var init = KexEcdhInitMessage.Parse(payload);
                var method = new FiniteFieldDhKexMethod(_kex.GexGroup, HashAlgorithmName.SHA256);
                var result = method.Respond(init.ClientPublic);
                var gexParameters = new SshWriter(_kex.GexGroup.PrimeBits / 8 + 32)
                    .WriteUInt32(_kex.GexRequest.Min).WriteUInt32(_kex.GexRequest.Preferred).WriteUInt32(_kex.GexRequest.Max)
                    .WriteMPInt(_kex.GexGroup.Prime.ToByteArray(isUnsigned: true, isBigEndian: true))
                    .WriteMPInt(_kex.GexGroup.Generator.ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray();
                CompleteExchange(chosen, method.Hash, SshMessageNumber.SSH_MSG_KEX_DH_GEX_REPLY, gexParameters, init.ClientPublic, result);
                return;
            }
            KexProtocolError(number, sequenceNumber);
            return;
        }

        if (number != SshMessageNumber.SSH_MSG_KEX_ECDH_INIT)
        {
            KexProtocolError(number, sequenceNumber);
            return;
        }
        var kexMethod = SshAlgorithms.CreateKex(chosen.Kex)!;
        var ecdhInit = KexEcdhInitMessage.Parse(payload);
        var reply = kexMethod.Respond(ecdhInit.ClientPublic);
        CompleteExchange(chosen, kexMethod.Hash, SshMessageNumber.SSH_MSG_KEX_ECDH_REPLY, [], ecdhInit.ClientPublic, reply);
    }

    /// <summary>Exchange hash (RFC 4253 §8, RFC 5656 §4, RFC 4419 §3), signature, reply, NEWKEYS and the key schedule (§7.2).</summary>
    private void CompleteExchange(Negotiated chosen, HashAlgorithmName hash, byte replyNumber, byte[] extraHashInput, ReadOnlySpan<byte> clientPublic, KexResult result)
    {
        var hostKeyBlob = chosen.HostKey.PublicKeyBlob;
        using var h = IncrementalHash.CreateHash(hash);
        var head = new SshWriter(4096)
            .WriteString(ClientVersion).WriteString(_context.Profile.Banner)
            .WriteString(_kex.ClientKexInit).WriteString(_kex.ServerKexInit)
            .WriteString(hostKeyBlob).WriteRaw(extraHashInput).WriteString(clientPublic);
        h.AppendData(head.WrittenSpan);
        h.AppendData(result.ServerPublicEncoded);
        h.AppendData(result.SharedSecretEncoded);
        var exchangeHash = h.GetHashAndReset();
        _sessionId ??= exchangeHash;

        var signature = chosen.HostKey.Sign(chosen.HostKeyAlgorithm, exchangeHash);
        Enqueue(KexReplyMessage.Write(replyNumber, hostKeyBlob, result.ServerPublicEncoded, signature));

        var keys = new KeySchedule(hash, result.SharedSecretEncoded, exchangeHash, _sessionId);
        var incoming = CreateDirection(keys, chosen.CipherIn, chosen.MacIn, chosen.CompressionIn, 'A', 'C', 'E');
        var outgoing = CreateDirection(keys, chosen.CipherOut, chosen.MacOut, chosen.CompressionOut, 'B', 'D', 'F');
        _kex.PendingKeys = (incoming, outgoing);
        _kex.NewKeysSent = true;
        Enqueue([SshMessageNumber.SSH_MSG_NEWKEYS], outgoing);

        if (_kex.Initial && _kex.ClientExtInfo)
        {
            SendExtInfo(initial: true);
        }
    }

    private DirectionState CreateDirection(KeySchedule keys, string cipher, string mac, string compression, char ivLetter, char keyLetter, char macLetter)
    {
        SshAlgorithms.TryGetCipher(cipher, out var info);
        var iv = keys.Derive(ivLetter, info.IvLength);
        var key = keys.Derive(keyLetter, info.KeyLength);
        var delayed = compression == "zlib@openssh.com";
        var compressor = delayed ? SshCompressionFactory.Create() : null;
        DirectionState state;
        if (info.IsAead)
        {
            state = new DirectionState(null, null, SshAlgorithms.CreateAead(cipher, key, iv), compressor, delayed);
        }
        else
        {
            var macKey = keys.Derive(macLetter, SshAlgorithms.MacKeyLength(mac));
            state = new DirectionState(SshAlgorithms.CreateStreamCipher(cipher, key, iv), SshAlgorithms.CreateMac(mac, macKey), null, compressor, delayed);
        }
        // After a rekey that follows authentication, delayed compression is already on.
        state.CompressionActive = delayed && _authenticated;
        CryptographicOperations.ZeroMemory(key);
        return state;
    }

    private void OnNewKeys(uint sequenceNumber)
    {
        if (_kex.PendingKeys is not { } keys)
        {
            KexProtocolError(SshMessageNumber.SSH_MSG_NEWKEYS, sequenceNumber);
            return;
        }
        _decoder.SwitchTo(keys.In);
        if (_kex.Strict)
        {
            _decoder.SequenceNumber = 0;
        }
        _kex.Finish();
    }

    private void SendExtInfo(bool initial)
    {
        var profile = _context.Profile;
        List<KeyValuePair<string, string>> extensions = [new("server-sig-algs", profile.ServerSigAlgs)];
        if (initial)
        {
            extensions.Add(new("publickey-hostbound@openssh.com", "0"));
            if (profile.SupportsPingAndExtInfoInAuth)
            {
                extensions.Add(new("ping@openssh.com", "0"));
            }
        }
        Enqueue(new ExtInfoMessage(extensions).Write());
    }
}
