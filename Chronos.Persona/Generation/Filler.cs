using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// Makes plausible lines of an exact byte length, so content can be fitted to a declared size
/// without a truncated line or a run of padding. Each kind gives a few line shapes of different
/// base lengths, each with one stretchable part (a message, a path, a comment); together they
/// cover every length from <see cref="Min"/> upward (longer gaps take several lines).
/// </summary>
internal sealed class Filler
{
    private readonly Func<int, SeededRandom, string?> _line;

    /// <param name="min">The shortest line (with its newline) the shape function can make.</param>
    /// <param name="maxSingle">The longest single line; must be at least 2 * min - 1 so every longer gap splits into lines.</param>
    /// <param name="line">Makes a line of exactly the given length including '\n'.</param>
    public Filler(int min, int maxSingle, Func<int, SeededRandom, string?> line)
    {
        if (maxSingle < (2 * min) - 1)
        {
            throw new ArgumentException($"filler range {min}..{maxSingle} leaves gaps", nameof(maxSingle));
        }
        Min = min;
        MaxSingle = maxSingle;
        _line = line;
    }

    public int Min { get; }

    public int MaxSingle { get; }

    /// <summary>Lines totalling exactly <paramref name="length"/> bytes (length ≥ Min).</summary>
    public IEnumerable<string> Lines(long length, SeededRandom random)
    {
        while (length > 0)
        {
            int take;
            if (length <= MaxSingle)
            {
                take = (int)length;
            }
            else
            {
                // Leave at least Min for the next line.
                take = (int)Math.Min(MaxSingle, length - Min);
                take = random.Next(Math.Max(Min, take - 40), take + 1);
            }
            var line = _line(take, random) ?? throw new InvalidOperationException($"filler cannot make a line of {take} bytes");
            if (System.Text.Encoding.UTF8.GetByteCount(line) != take)
            {
                throw new InvalidOperationException($"filler made {System.Text.Encoding.UTF8.GetByteCount(line)} bytes for {take}");
            }
            yield return line;
            length -= take;
        }
    }

    /// <summary>A comment filler: prefix + words + '\n' (e.g. "# " for configs, "// " for PHP, "-- " for SQL).</summary>
    public static Filler Comment(string prefix, IReadOnlyList<string>? vocabulary = null) =>
        new(prefix.Length + 2, 160, (length, random) => prefix + Words.Exactly(length - prefix.Length - 1, vocabulary ?? Words.Prose, random) + "\n");
}
