using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Chronos.Persona.Generation;

/// <summary>
/// A rotated log as logrotate leaves it (gzip member, RFC 1952, with the original name), fitted
/// to a declared size exactly: the amount of text is searched so the deflate stream fits, and the
/// last few bytes of difference go into the header's FEXTRA field, which gunzip skips.
/// </summary>
internal static class GzipFitter
{
    private const int Overhead = 10 + 2 + 8; // header, XLEN, CRC32 + ISIZE

    public static byte[] Fit(long size, string originalName, Func<long, byte[]> textOfSize)
    {
        var name = Encoding.Latin1.GetBytes(originalName + "\0");
        var budget = size - Overhead - name.Length;
        if (budget < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "too small for a gzip member");
        }
        // Generate the text once, generously, and search for the longest tail of whole lines whose
        // deflate fits: the tail keeps the newest lines, so the member ends at the file's mtime.
        var full = textOfSize(budget * 14);
        if (Deflate(full).Length < budget - 65535)
        {
            full = textOfSize(budget * 60);
        }
        long low = 0, high = full.Length;
        byte[]? best = null;
        byte[]? bestText = null;
        for (var i = 0; i < 40 && low <= high; i++)
        {
            var mid = (low + high) / 2;
            var text = Tail(full, mid);
            var deflated = Deflate(text);
            if (deflated.Length <= budget)
            {
                if (budget - deflated.Length <= 65535)
                {
                    best = deflated;
                    bestText = text;
                    if (budget - deflated.Length < 256)
                    {
                        break;
                    }
                }
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        if (best is null || bestText is null)
        {
            throw new InvalidOperationException($"no text fits a {size}-byte gzip member");
        }
        var extra = (int)(budget - best.Length);
        var result = new byte[size];
        var span = result.AsSpan();
        span[0] = 0x1f;
        span[1] = 0x8b;
        span[2] = 8;                 // CM = deflate
        span[3] = 0x04 | 0x08;       // FEXTRA | FNAME
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 0);
        span[8] = 0;                 // XFL
        span[9] = 3;                 // OS = Unix
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], (ushort)extra);
        var at = 12 + extra;         // FEXTRA bytes stay zero
        name.CopyTo(span[at..]);
        at += name.Length;
        best.CopyTo(span[at..]);
        at += best.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32.HashToUInt32(bestText));
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], (uint)bestText.Length);
        return result;
    }

    /// <summary>About the last <paramref name="length"/> bytes of the text, starting at a line.</summary>
    private static byte[] Tail(byte[] text, long length)
    {
        var start = (int)Math.Max(0, text.Length - length);
        while (start > 0 && start < text.Length && text[start - 1] != (byte)'\n')
        {
            start++;
        }
        return text[start..];
    }

    private static byte[] Deflate(byte[] text)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(text);
        }
        return output.ToArray();
    }
}
