using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>umac-64/128@openssh.com and -etm forms (RFC 4418 with OpenSSH's nonce = sequence number), over the crypto layer's <see cref="Umac"/>.</summary>
internal sealed class UmacMac(ReadOnlySpan<byte> key, int tagLength, bool encryptThenMac) : ISshMac
{
    private readonly Umac _umac = new(key, tagLength);

    public int Length => tagLength;

    public bool EncryptThenMac => encryptThenMac;

    public void Compute(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> tag) => _umac.ComputeOpenSsh(sequenceNumber, packet, tag);

    public void Dispose() => _umac.Dispose();
}
