using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>aes128/192/256-ctr (RFC 4344) for the packet layer, over the crypto layer's <see cref="AesCtrCipher"/>.</summary>
internal sealed class AesCounterCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) : ISshStreamCipher
{
    private readonly AesCtrCipher _cipher = new(key, iv);

    public int BlockSize => 16;

    public void Transform(ReadOnlySpan<byte> input, Span<byte> output) => _cipher.Transform(input, output);

    public void Dispose() => _cipher.Dispose();
}
