using System.IO.Compression;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// The receiving half of zlib@openssh.com: one continuous zlib stream per direction, where every packet's payload
/// ends at a flush point (partial or sync flush), so it inflates completely on arrival.
/// </summary>
/// <remarks>
/// Output is bounded per packet: an attacker's tiny payload that inflates beyond <c>maxOutput</c> (a
/// decompression bomb) raises <see cref="SshCompressionException"/>, which is connection-fatal; the caller passes
/// the largest payload it accepts (OpenSSH: 256 KiB, PACKET_MAX_SIZE). Not thread-safe.
/// </remarks>
public sealed class SshDecompressor : IDisposable
{
    private readonly PacketFeedStream input = new();
    private readonly ZLibStream inflate;
    private readonly byte[] scratch = new byte[1];
    private bool broken;

    public SshDecompressor()
    {
        inflate = new ZLibStream(input, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <exception cref="SshCompressionException">The data is not a valid continuation of the zlib stream, the stream
    /// ended, or the payload inflates to more than <paramref name="maxOutput"/> bytes.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> payload, int maxOutput)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutput);
        if (broken)
        {
            throw new SshCompressionException("the compression stream failed earlier");
        }
        input.Feed(payload);
        var result = new MemoryStream();
        var buffer = new byte[Math.Min(Math.Max(maxOutput, 1), 16 * 1024)];
        try
        {
            while (true)
            {
                var room = maxOutput - (int)result.Length;
                if (room == 0)
                {
                    // Full: anything more inflatable from this packet makes it a bomb.
                    if (input.Remaining > 0 || inflate.Read(scratch, 0, 1) > 0)
                    {
                        broken = true;
                        throw new SshCompressionException($"compressed payload inflates beyond {maxOutput} bytes");
                    }
                    break;
                }
                var n = inflate.Read(buffer, 0, Math.Min(buffer.Length, room));
                if (n == 0)
                {
                    break;
                }
                result.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // IOException: System.IO.Compression.ZLibException
        {
            broken = true;
            throw new SshCompressionException("corrupt compressed payload", e);
        }
        if (input.Remaining > 0)
        {
            broken = true;
            throw new SshCompressionException("compressed payload has trailing data (the zlib stream ended)");
        }
        return result.ToArray();
    }

    public void Dispose()
    {
        inflate.Dispose();
        input.Dispose();
    }

    /// <summary>A read-only stream that yields the bytes fed for the current packet, then reports "no data" (0).</summary>
    private sealed class PacketFeedStream : Stream
    {
        private byte[] data = [];
        private int offset;
        private int length;

        public int Remaining => length - offset;

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            if (data.Length < bytes.Length)
            {
                data = new byte[Math.Max(bytes.Length, data.Length * 2)];
            }
            bytes.CopyTo(data);
            offset = 0;
            length = bytes.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, Remaining);
            data.AsSpan(offset, n).CopyTo(buffer);
            offset += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
