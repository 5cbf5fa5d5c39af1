using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Transport;

/// <summary>
/// The send half of the binary packet protocol (RFC 4253 §6): pads, compresses, encrypts and MACs
/// one payload straight into the output pipe. Padding is zeros while unencrypted (as sshd: its
/// first KEXINIT carries zero padding) and random afterwards.
/// </summary>
internal sealed class PacketEncoder : IDisposable
{
    private DirectionState _state = DirectionState.None;

    public uint SequenceNumber { get; set; }

    public DirectionState State => _state;

    public long BytesSent { get; private set; }

    public void SwitchTo(DirectionState next)
    {
        _state.Dispose();
        _state = next;
    }

    public void Encode(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        var state = _state;
        byte[]? compressed = null;
        if (state.CompressionActive)
        {
            compressed = state.Compression!.Compress(payload);
            payload = compressed;
        }

        var block = Math.Max(8, state.BlockSize);
        var lengthExcluded = state.Aead is not null || state.Mac?.EncryptThenMac == true;
        var unpadded = 1 + payload.Length + (lengthExcluded ? 0 : 4);
        var padding = block - (unpadded % block);
        if (padding < 4)
        {
            padding += block;
        }
        var packetLength = 1 + payload.Length + padding;
        var macLength = state.Aead?.TagLength ?? state.Mac?.Length ?? 0;
        var total = 4 + packetLength + macLength;

        var clearArray = ArrayPool<byte>.Shared.Rent(4 + packetLength);
        try
        {
            var clear = clearArray.AsSpan(0, 4 + packetLength);
            BinaryPrimitives.WriteUInt32BigEndian(clear, (uint)packetLength);
            clear[4] = (byte)padding;
            payload.CopyTo(clear[5..]);
            var paddingBytes = clear[(5 + payload.Length)..];
            if (state.IsEncrypted)
            {
                RandomNumberGenerator.Fill(paddingBytes);
            }
            else
            {
                paddingBytes.Clear();
            }

            var wire = output.GetSpan(total)[..total];
            if (state.Aead is not null)
            {
                state.Aead.Seal(SequenceNumber, clear, wire);
            }
            else if (state.Cipher is null)
            {
                clear.CopyTo(wire);
            }
            else if (state.Mac!.EncryptThenMac)
            {
                clear[..4].CopyTo(wire);
                state.Cipher.Transform(clear[4..], wire[4..clear.Length]);
                state.Mac.Compute(SequenceNumber, wire[..clear.Length], wire[clear.Length..]);
            }
            else
            {
                state.Mac.Compute(SequenceNumber, clear, wire[clear.Length..]);
                state.Cipher.Transform(clear, wire[..clear.Length]);
            }
            output.Advance(total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(clearArray);
        }
        BytesSent += total;
        SequenceNumber++;
    }

    public void Dispose() => _state.Dispose();
}
