using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.Transport;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// zlib@openssh.com for one direction, over the crypto layer's <see cref="SshCompressor"/> /
/// <see cref="SshDecompressor"/>; a payload that inflates past sshd's packet limit, or a broken
/// stream, is connection-fatal and silent, as in sshd.
/// </summary>
internal sealed class ZlibCompression : ISshCompression
{
    private SshCompressor? _compressor;
    private SshDecompressor? _decompressor;

    public byte[] Compress(ReadOnlySpan<byte> payload) => (_compressor ??= new SshCompressor()).Compress(payload);

    public byte[] Decompress(ReadOnlySpan<byte> payload)
    {
        try
        {
            return (_decompressor ??= new SshDecompressor()).Decompress(payload, PacketDecoder.MaxPacketLength);
        }
        catch (SshCompressionException e)
        {
            throw new SshProtocolException(e.Message, e);
        }
    }

    public void Dispose()
    {
        _compressor?.Dispose();
        _decompressor?.Dispose();
    }
}
