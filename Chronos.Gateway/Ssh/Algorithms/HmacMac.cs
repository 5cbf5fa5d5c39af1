using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>hmac-sha1, hmac-sha2-256/512 and their -etm@openssh.com forms (RFC 4253 §6.4, RFC 6668).</summary>
internal sealed class HmacMac : ISshMac
{
    private readonly IncrementalHash _hash;

    public HmacMac(HashAlgorithmName hash, ReadOnlySpan<byte> key, bool encryptThenMac)
    {
        _hash = IncrementalHash.CreateHMAC(hash, key);
        Length = _hash.HashLengthInBytes;
        EncryptThenMac = encryptThenMac;
    }

    public int Length { get; }

    public bool EncryptThenMac { get; }

    public void Compute(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> tag)
    {
        Span<byte> seq = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(seq, sequenceNumber);
        _hash.AppendData(seq);
        _hash.AppendData(packet);
        _hash.GetHashAndReset(tag);
    }

    public void Dispose() => _hash.Dispose();
}
