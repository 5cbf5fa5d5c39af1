using System.IO.Compression;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// The sending half of zlib@openssh.com (RFC 4253 §6.2, delayed until after authentication by OpenSSH): one
/// zlib stream for the whole connection direction, flushed after every packet so each packet's payload can be
/// inflated on arrival.
/// </summary>
/// <remarks>
/// OpenSSH deflates with Z_PARTIAL_FLUSH. .NET's <see cref="ZLibStream.Flush"/> performs Z_SYNC_FLUSH instead,
/// which ends each packet with an empty stored block (00 00 FF FF) rather than an empty static block; OpenSSH's
/// inflate(Z_SYNC_FLUSH) accepts both and the difference is only visible inside the encrypted stream (a few
/// bytes per packet). Compression level 6 is zlib's default, which OpenSSH uses too. Not thread-safe.
/// </remarks>
public sealed class SshCompressor : IDisposable
{
    private readonly MemoryStream output = new();
    private readonly ZLibStream deflate;

    public SshCompressor()
    {
        deflate = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Compresses one packet payload; the result is self-contained up to the flush point.</summary>
    public byte[] Compress(ReadOnlySpan<byte> payload)
    {
        output.SetLength(0);
        deflate.Write(payload);
        deflate.Flush();
        return output.ToArray();
    }

    public void Dispose()
    {
        deflate.Dispose();
        output.Dispose();
    }
}
