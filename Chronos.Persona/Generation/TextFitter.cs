using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// Fits text to a declared size exactly: whole blocks (lines, stanzas, functions) are kept while
/// they leave room for at least one filler line, and the gap is closed with filler lines. A file
/// too small for any filler gets the start of its first block (a size under ~30 bytes is never
/// planned for text). UTF-8 is measured in bytes.
/// </summary>
internal static class TextFitter
{
    /// <summary>Header, then blocks in order, then filler, then footer.</summary>
    public static byte[] Forward(long size, string header, IEnumerable<string> blocks, string footer, Filler filler, SeededRandom random)
    {
        var fixedBytes = Bytes(header) + Bytes(footer);
        var body = new StringBuilder();
        long used = fixedBytes;
        if (used > size)
        {
            return Truncate(header + footer, size);
        }
        foreach (var block in blocks)
        {
            var length = Bytes(block);
            if (used + length == size || used + length + filler.Min <= size)
            {
                body.Append(block);
                used += length;
                if (used == size)
                {
                    break;
                }
            }
            else
            {
                break;
            }
        }
        var gap = size - used;
        if (gap > 0 && gap < filler.Min)
        {
            return Truncate(header + body + footer, size);
        }
        foreach (var line in filler.Lines(gap, random))
        {
            body.Append(line);
        }
        return Encoding.UTF8.GetBytes(header + body + footer);
    }

    /// <summary>
    /// For logs: <paramref name="newestFirst"/> yields lines from the end of the file backwards;
    /// lines are kept until the size is reached, the gap is closed with filler lines at the very
    /// beginning (the oldest end) made by <paramref name="oldestFiller"/>, then the order is restored.
    /// </summary>
    public static byte[] Backward(long size, IEnumerable<string> newestFirst, Func<Filler> oldestFiller, SeededRandom random)
    {
        var kept = new List<string>();
        long used = 0;
        Filler? filler = null;
        foreach (var line in newestFirst)
        {
            filler ??= oldestFiller();
            var length = Bytes(line);
            if (used + length == size || used + length + filler.Min <= size)
            {
                kept.Add(line);
                used += length;
                if (used == size)
                {
                    break;
                }
            }
            else
            {
                break;
            }
        }
        filler = oldestFiller();
        var gap = size - used;
        if (gap > 0 && gap < filler.Min)
        {
            kept.Reverse();
            return Truncate(string.Concat(kept), size);
        }
        var head = filler.Lines(gap, random).ToList();
        kept.Reverse();
        return Encoding.UTF8.GetBytes(string.Concat(head) + string.Concat(kept));
    }

    public static int Bytes(string s) => Encoding.UTF8.GetByteCount(s);

    /// <summary>The first bytes of the text ending with a newline (for sizes no shape fits).</summary>
    private static byte[] Truncate(string text, long size)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new byte[size];
        bytes.AsSpan(0, (int)Math.Min(size, bytes.Length)).CopyTo(result);
        for (var i = bytes.Length; i < size; i++)
        {
            result[i] = (byte)' ';
        }
        if (size > 0)
        {
            result[^1] = (byte)'\n';
        }
        return result;
    }
}
