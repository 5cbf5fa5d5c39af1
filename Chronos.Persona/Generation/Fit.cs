using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// Fitting any text (an LLM's answer, a natural text of another length) to a declared size:
/// whole lines are kept while they leave room for filler, and the rest is closed with comment
/// lines in the file's own comment syntax (or log-shaped lines from the offline generator).
/// </summary>
internal static class Fit
{
    public static byte[] ToSize(byte[] text, long size, string generator, SeededRandom random)
    {
        if (text.Length == size)
        {
            return text;
        }
        var lines = SplitLines(Encoding.UTF8.GetString(text));
        return TextFitter.Forward(size, "", lines, "", CommentFiller(generator), random);
    }

    public static IEnumerable<string> SplitLines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            if (newline < 0)
            {
                yield return text[start..] + "\n";
                yield break;
            }
            yield return text[start..(newline + 1)];
            start = newline + 1;
        }
    }

    /// <summary>A comment syntax each kind's parser accepts where the filler lands (after the last kept line).</summary>
    public static Filler CommentFiller(string generator) => generator switch
    {
        Generators.PhpSource or Generators.WpConfig => Filler.Comment("// "),
        Generators.PhpFpmPool => Filler.Comment("; "),
        Generators.SqlDump or Generators.PostgresqlLog => Filler.Comment("-- "),
        Generators.DockerConfig or Generators.PrivateKey => Filler.Comment(" ", Words.Prose),
        _ => Filler.Comment("# "),
    };
}
