using System.Buffers;
using System.Buffers.Binary;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Transport;

/// <summary>
/// The receive half of the binary packet protocol (RFC 4253 §6): finds one packet in the buffered
/// bytes, checks its length before buffering it whole, verifies the MAC / tag, decrypts and
/// returns the payload. Returns false when more bytes are needed; throws
/// <see cref="SshProtocolException"/> (silent close, as sshd) on a bad length, padding or MAC.
/// </summary>
internal sealed class PacketDecoder : IDisposable
{
    /// <summary>sshd's PACKET_MAX_SIZE: 256 KiB.</summary>
    public const int MaxPacketLength = 256 * 1024;

    private DirectionState _state = DirectionState.None;

    // A non-etm stream cipher decrypts the first block to learn the length; that block must not be
    // decrypted twice, so it is kept between calls while the rest of the packet arrives.
    private readonly byte[] _firstBlock = new byte[32];
    private int _pendingPacketLength = -1;

    public uint SequenceNumber { get; set; }

    public DirectionState State => _state;

    public long BytesReceived { get; private set; }

    public void SwitchTo(DirectionState next)
    {
        _state.Dispose();
        _state = next;
    }

    public bool TryDecode(ref ReadOnlySequence<byte> buffer, out byte[] payload)
    {
        payload = [];
        var state = _state;
        var macLength = state.Aead?.TagLength ?? state.Mac?.Length ?? 0;
        var lengthInClear = state.Aead is null && (state.Cipher is null || state.Mac?.EncryptThenMac == true);
        var headerLength = lengthInClear || state.Aead is not null ? 4 : state.BlockSize;

        if (_pendingPacketLength < 0)
        {
            if (buffer.Length < headerLength)
            {
                return false;
            }
            Span<byte> header = stackalloc byte[headerLength];
            buffer.Slice(0, headerLength).CopyTo(header);
            uint length;
            if (state.Aead is not null)
            {
                length = state.Aead.ReadLength(SequenceNumber, header);
            }
            else if (lengthInClear)
            {
                length = BinaryPrimitives.ReadUInt32BigEndian(header);
            }
            else
            {
                state.Cipher!.Transform(header, _firstBlock.AsSpan(0, headerLength));
                length = BinaryPrimitives.ReadUInt32BigEndian(_firstBlock);
            }
            CheckLength(length, state, state.Aead is not null || state.Mac?.EncryptThenMac == true);
            _pendingPacketLength = (int)length;
        }

        var total = 4 + _pendingPacketLength + macLength;
        if (buffer.Length < total)
        {
            return false;
        }

        var packet = ArrayPool<byte>.Shared.Rent(total);
        var plain = ArrayPool<byte>.Shared.Rent(4 + _pendingPacketLength);
        try
        {
            buffer.Slice(0, total).CopyTo(packet);
            var wire = packet.AsSpan(0, total);
            var clear = plain.AsSpan(0, 4 + _pendingPacketLength);
            if (state.Aead is not null)
            {
                if (!state.Aead.Open(SequenceNumber, wire, clear))
                {
                    throw SshProtocolException.Silent("message authentication failed");
                }
            }
            else if (state.Cipher is null)
            {
                wire[..clear.Length].CopyTo(clear);
            }
            else if (state.Mac!.EncryptThenMac)
            {
                VerifyMac(state, wire[..clear.Length], wire[clear.Length..]);
                wire[..4].CopyTo(clear);
                state.Cipher.Transform(wire[4..clear.Length], clear[4..]);
            }
            else
            {
                _firstBlock.AsSpan(0, headerLength).CopyTo(clear);
                state.Cipher.Transform(wire[headerLength..clear.Length], clear[headerLength..]);
                VerifyMac(state, clear, wire[clear.Length..]);
            }

            var paddingLength = clear[4];
            var payloadLength = _pendingPacketLength - paddingLength - 1;
            if (paddingLength < 4 || payloadLength < 0)
            {
                throw SshProtocolException.Silent($"bad padding length {paddingLength}");
            }
            var raw = clear.Slice(5, payloadLength);
            payload = state.CompressionActive ? state.Compression!.Decompress(raw) : raw.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packet);
            ArrayPool<byte>.Shared.Return(plain);
        }

        buffer = buffer.Slice(total);
        BytesReceived += total;
        _pendingPacketLength = -1;
        SequenceNumber++;
        return true;
    }

    private void VerifyMac(DirectionState state, ReadOnlySpan<byte> macInput, ReadOnlySpan<byte> received)
    {
        Span<byte> expected = stackalloc byte[state.Mac!.Length];
        state.Mac.Compute(SequenceNumber, macInput, expected);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, received))
        {
            throw SshProtocolException.Silent("message authentication code is incorrect");
        }
    }

    private static void CheckLength(uint length, DirectionState state, bool lengthExcludedFromBlocks)
    {
        // RFC 4253 §6: packet_length + 4 is a multiple of the block size (or packet_length alone
        // for etm and AEAD modes), and sshd drops packets over 256 KiB or under 5 bytes.
        if (length < 5 || length > MaxPacketLength)
        {
            throw SshProtocolException.Silent($"bad packet length {length}");
        }
        var aligned = lengthExcludedFromBlocks ? length : length + 4;
        if (aligned % (uint)state.BlockSize != 0)
        {
            throw SshProtocolException.Silent($"packet length {length} is not a multiple of the block size");
        }
    }

    public void Dispose() => _state.Dispose();
}
