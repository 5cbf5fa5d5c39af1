using System.Text;
using Chronos.AppHost.Orchestration;

namespace Chronos.AppHost.Tests;

/// <summary>
/// Property tests of the child-output line splitter against a reference (split the whole byte
/// stream on '\n', decode each line on its own): for any bytes and any chunking, the same lines
/// come out, none is lost, and a line is never split inside a character.
/// </summary>
public sealed class LineSplitterTests
{
    private static readonly UTF8Encoding Utf8 = new(false, false);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Any_bytes_in_any_chunks_give_the_reference_lines(int seed)
    {
        var random = new Random(seed);
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var input = RandomBytes(random, random.Next(0, 4000));
            var lines = Split(input, RandomChunks(random, input.Length));
            Assert.Equal(Reference(input), lines);
        }
    }

    [Fact]
    public void A_character_cut_by_a_chunk_boundary_is_decoded_whole()
    {
        var input = Encoding.UTF8.GetBytes("naïve 日本 🙂\nzwei\n");
        for (var cut = 1; cut < input.Length; cut++)
        {
            Assert.Equal(["naïve 日本 🙂", "zwei"], Split(input, [cut, input.Length - cut]));
        }
    }

    [Fact]
    public void A_last_line_without_newline_is_still_a_line_and_CRLF_is_one_line_end()
    {
        Assert.Equal(["a", "b", "", "tail"], Split("a\r\nb\n\ntail"u8.ToArray(), [3, 100]));
        Assert.Empty(Split([], []));
    }

    [Fact]
    public void Invalid_UTF8_is_shown_as_replacement_characters_not_dropped()
    {
        Assert.Equal(["x\uFFFDy\uFFFD", "ok"], Split([(byte)'x', 0xFF, (byte)'y', 0xE6, (byte)'\n', (byte)'o', (byte)'k'], [2, 5]));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void An_overlong_line_comes_out_in_pieces_cut_at_character_boundaries_and_nothing_is_lost(int seed)
    {
        var random = new Random(seed);
        string[] alphabet = ["a", "é", "日", "🙂", " "];
        for (var iteration = 0; iteration < 40; iteration++)
        {
            var text = new StringBuilder();
            for (var bytes = 0; bytes < LineSplitter.MaxLineBytes * 3;)
            {
                var next = alphabet[random.Next(alphabet.Length)];
                text.Append(next);
                bytes += Encoding.UTF8.GetByteCount(next);
            }
            var input = Encoding.UTF8.GetBytes(text.ToString());
            var pieces = Split(input, RandomChunks(random, input.Length));
            Assert.Equal(text.ToString(), string.Concat(pieces));
            Assert.All(pieces, p => Assert.InRange(Encoding.UTF8.GetByteCount(p), 1, LineSplitter.MaxLineBytes));
            Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Overlong_garbage_without_any_boundary_is_still_emitted()
    {
        var input = Enumerable.Repeat((byte)0x80, LineSplitter.MaxLineBytes * 2 + 5).ToArray();
        var pieces = Split(input, [input.Length]);
        Assert.Equal(input.Length, pieces.Sum(p => p.Length));
        Assert.All(pieces, p => Assert.True(p.All(c => c == '\uFFFD')));
    }

    private static List<string> Split(byte[] input, IEnumerable<int> chunks)
    {
        var lines = new List<string>();
        var splitter = new LineSplitter(lines.Add);
        var offset = 0;
        foreach (var size in chunks)
        {
            var n = Math.Min(size, input.Length - offset);
            splitter.Write(input.AsSpan(offset, n));
            offset += n;
        }
        splitter.Write(input.AsSpan(offset));
        splitter.Complete();
        return lines;
    }

    /// <summary>Lines no longer than the limit: split on '\n', drop one trailing '\r', decode.</summary>
    private static List<string> Reference(byte[] input)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == (byte)'\n')
            {
                if (i == input.Length && i == start)
                {
                    break;
                }
                var line = input.AsSpan(start, i - start);
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }
                lines.Add(Utf8.GetString(line));
                start = i + 1;
            }
        }
        return lines;
    }

    /// <summary>Newlines, CRs, ASCII, valid multi-byte UTF-8 and invalid bytes, in short lines.</summary>
    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new List<byte>(length);
        while (bytes.Count < length)
        {
            switch (random.Next(8))
            {
                case 0: bytes.Add((byte)'\n'); break;
                case 1: bytes.Add((byte)'\r'); break;
                case 2: bytes.AddRange(Encoding.UTF8.GetBytes("é日🙂"[random.Next(3)..])); break;
                case 3: bytes.Add((byte)random.Next(0x80, 0x100)); break;
                default: bytes.Add((byte)random.Next(0x20, 0x7F)); break;
            }
        }
        return [.. bytes];
    }

    private static List<int> RandomChunks(Random random, int total)
    {
        var chunks = new List<int>();
        for (var sum = 0; sum < total;)
        {
            var size = random.Next(3) == 0 ? random.Next(1, 4) : random.Next(1, 9000);
            chunks.Add(size);
            sum += size;
        }
        return chunks;
    }
}
