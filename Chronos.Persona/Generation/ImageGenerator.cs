using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// An upload as a valid PNG (RFC 2083) of exactly the declared size: an RGB image whose pixel
/// data is about the size asked for, and a tEXt chunk ("Software") that takes up the remainder.
/// `file` calls it a PNG and image viewers open it.
/// </summary>
internal static class ImageGenerator
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Png(GhostRequest request)
    {
        var random = request.Random("png");
        var size = request.Size;
        // Noise barely compresses: aim the raw pixels at 90% of the file.
        var pixels = Math.Max(16, (long)(size * 0.9 / 3));
        var width = (int)Math.Clamp(Math.Sqrt(pixels * 1.5), 8, 4096);
        var height = (int)Math.Clamp(pixels / width, 8, 4096);
        byte[] idat;
        while (true)
        {
            var raw = new byte[height * (1 + (width * 3))];
            for (var y = 0; y < height; y++)
            {
                random.Fill(raw.AsSpan((y * (1 + (width * 3))) + 1, width * 3));
            }
            using var output = new MemoryStream();
            using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(raw);
            }
            idat = output.ToArray();
            var fixedBytes = Signature.Length + 25 + 12 + idat.Length + 12 + 12 + "Software\0".Length;
            if (fixedBytes <= size || height <= 8)
            {
                break;
            }
            height = Math.Max(8, height * 3 / 4);
        }
        var software = Encoding.Latin1.GetBytes("Software\0");
        var remaining = size - (Signature.Length + 25 + 12 + idat.Length + 12 + 12 + software.Length);
        if (remaining < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"{size} bytes is too small for a PNG");
        }
        var text = new byte[software.Length + remaining];
        software.CopyTo(text, 0);
        var comment = Encoding.ASCII.GetBytes("Adobe ImageReady; exported for web " + random.Hex(32));
        for (var i = 0; i < remaining; i++)
        {
            text[software.Length + i] = comment[i % comment.Length];
        }
        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        Chunk(png, "IHDR", header);
        Chunk(png, "tEXt", text);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        output.Write(sum);
    }
}
