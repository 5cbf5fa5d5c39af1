using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// aes128/192/256-ctr (RFC 4344 §4): AES-ECB over a 128-bit big-endian counter, XORed with the
/// stream. Keystream is produced 16 blocks at a time; the unused tail carries to the next call.
/// </summary>
internal sealed class AesCounterCipher : ISshStreamCipher
{
    private const int BatchBlocks = 16;
    private readonly Aes _aes;
    private readonly byte[] _counter = new byte[16];
    private readonly byte[] _counters = new byte[16 * BatchBlocks];
    private readonly byte[] _keystream = new byte[16 * BatchBlocks];
    private int _keystreamOffset = 16 * BatchBlocks;

    public AesCounterCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        iv[..16].CopyTo(_counter);
    }

    public int BlockSize => 16;

    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        for (var i = 0; i < input.Length;)
        {
            if (_keystreamOffset == _keystream.Length)
            {
                Refill();
            }
            var n = Math.Min(input.Length - i, _keystream.Length - _keystreamOffset);
            var ks = _keystream.AsSpan(_keystreamOffset, n);
            for (var j = 0; j < n; j++)
            {
                output[i + j] = (byte)(input[i + j] ^ ks[j]);
            }
            i += n;
            _keystreamOffset += n;
        }
    }

    private void Refill()
    {
        for (var b = 0; b < BatchBlocks; b++)
        {
            _counter.CopyTo(_counters, b * 16);
            for (var k = 15; k >= 0 && ++_counter[k] == 0; k--)
            {
            }
        }
        _aes.EncryptEcb(_counters, _keystream, PaddingMode.None);
        _keystreamOffset = 0;
    }

    public void Dispose() => _aes.Dispose();
}
