using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>Text of an exact length from a vocabulary: the last piece is a word chosen for its length.</summary>
internal static class Words
{
    /// <summary>Words of every length from 1 to 12, so any remainder can be closed with one word.</summary>
    public static readonly string[] Prose =
    [
        "a", "an", "the", "to", "of", "and", "for", "with", "from", "this", "that", "when", "after", "before", "until", "check",
        "backup", "server", "config", "restart", "update", "deploy", "release", "database", "settings", "rotation", "changed",
        "see", "ticket", "keep", "old", "value", "disabled", "enabled", "temporary", "production", "maintenance", "migration",
        "x", "ok", "use", "note", "since", "reload", "monitoring", "permissions", "certificate", "replication", "performance",
    ];

    public static readonly string[] Identifiers =
    [
        "a", "id", "tmp", "data", "cache", "value", "result", "options", "settings", "callback", "template", "attachment",
        "x", "db", "row", "item", "query", "output", "request", "response", "instance", "sanitized", "permalink", "transient",
    ];

    /// <summary>Exactly <paramref name="length"/> characters of space-separated words.</summary>
    public static string Exactly(int length, IReadOnlyList<string> vocabulary, SeededRandom random)
    {
        if (length <= 0)
        {
            return "";
        }
        var s = new StringBuilder(length);
        while (true)
        {
            var room = length - s.Length - (s.Length > 0 ? 1 : 0);
            if (room <= 0)
            {
                // Only a separator would fit: lengthen the text by one letter instead.
                if (s.Length < length)
                {
                    s.Append('s');
                }
                return s.ToString();
            }
            var candidate = random.Pick(vocabulary);
            if (candidate.Length > room || (room - candidate.Length is > 0 and < 2))
            {
                // Close with a word of exactly the remaining length when one exists.
                var closing = vocabulary.Where(w => w.Length == room).ToArray();
                if (closing.Length > 0)
                {
                    candidate = closing[random.Next(closing.Length)];
                }
                else if (room <= 12)
                {
                    candidate = random.Token(room, "abcdefghijklmnopqrstuvwxyz");
                }
                else
                {
                    continue;
                }
            }
            if (s.Length > 0)
            {
                s.Append(' ');
            }
            s.Append(candidate);
            if (s.Length == length)
            {
                return s.ToString();
            }
        }
    }
}
