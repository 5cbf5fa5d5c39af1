using System.Text;
using System.Text.RegularExpressions;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// What a generated answer must look like before it may become a file: markdown fences and
/// chatter removed, then a check per kind (log lines in the kind's format, config syntax sane,
/// PHP opening tag, ...). A failed check is a reason to fall back, never an error for the reader.
/// </summary>
internal static partial class ContentChecks
{
    private static readonly string[] ChatterStarts = ["here is", "here's", "sure", "certainly", "below is", "this is", "i'm sorry", "i cannot", "as an ai", "note:"];

    /// <summary>The file's text inside an answer: the first fenced block if there is one, else the answer less leading and trailing chatter lines.</summary>
    public static string Clean(string answer)
    {
        var text = answer.Replace("\r\n", "\n", StringComparison.Ordinal);
        var fence = Fence().Match(text);
        if (fence.Success)
        {
            text = fence.Groups["body"].Value;
        }
        var lines = text.Split('\n').ToList();
        while (lines.Count > 0 && (string.IsNullOrWhiteSpace(lines[0]) || IsChatter(lines[0])))
        {
            lines.RemoveAt(0);
        }
        while (lines.Count > 0 && (string.IsNullOrWhiteSpace(lines[^1]) || IsChatter(lines[^1]) || lines[^1].StartsWith("```", StringComparison.Ordinal)))
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    private static bool IsChatter(string line)
    {
        var l = line.TrimStart().ToLowerInvariant();
        return ChatterStarts.Any(c => l.StartsWith(c, StringComparison.Ordinal)) && (l.EndsWith(':') || l.Contains(" file", StringComparison.Ordinal) || l.Contains(" sorry", StringComparison.Ordinal) || l.StartsWith("as an ai", StringComparison.Ordinal) || l.StartsWith("i'm sorry", StringComparison.Ordinal) || l.StartsWith("i cannot", StringComparison.Ordinal));
    }

    /// <summary>Null when the text may be used for this file, else why not.</summary>
    public static string? Problem(GhostRequest request, string text)
    {
        if (text.Length < 16)
        {
            return "empty or near-empty answer";
        }
        if (text.Contains('\0', StringComparison.Ordinal) || text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            return "binary or invalid UTF-8 in answer";
        }
        if (text.Contains("```", StringComparison.Ordinal) || ChatterStarts.Take(3).Any(c => text.StartsWith(c, StringComparison.OrdinalIgnoreCase)))
        {
            return "markdown or chatter left in answer";
        }
        var lines = text.TrimEnd('\n').Split('\n');
        if (lines.Any(l => l.Length > 4000))
        {
            return "a line over 4000 characters";
        }
        var generator = request.Origin.Generator;
        switch (generator)
        {
            case Generators.AuthLog or Generators.Syslog or Generators.KernLog:
                return Share(lines, l => SyslogFormat.IsLine(request.World, l + "\n")) < 0.9 ? "log lines not in this host's syslog format" : UnknownUsers(request, text);
            case Generators.NginxAccess:
                return Share(lines, l => AccessLine().IsMatch(l)) < 0.9 ? "access log lines not in the combined format" : null;
            case Generators.NginxError:
                return Share(lines, l => NginxErrorLine().IsMatch(l)) < 0.9 ? "error log lines not in nginx's format" : null;
            case Generators.MysqlError:
                return Share(lines, l => MysqlLine().IsMatch(l)) < 0.9 ? "lines not in MySQL's error log format" : null;
            case Generators.PostgresqlLog:
                return Share(lines, l => PostgresLine().IsMatch(l) || l.StartsWith('\t')) < 0.9 ? "lines not in the PostgreSQL log format" : null;
            case Generators.DpkgLog:
                return Share(lines, l => DpkgLine().IsMatch(l)) < 0.9 ? "lines not in dpkg.log format" : null;
            case Generators.NginxSite:
                return text.Count(c => c == '{') != text.Count(c => c == '}') || !text.Contains("server", StringComparison.Ordinal) && !text.Contains("http", StringComparison.Ordinal) ? "nginx braces unbalanced or no server block" : null;
            case Generators.PhpSource or Generators.WpConfig:
                return !text.StartsWith("<?php", StringComparison.Ordinal) ? "PHP file without an opening tag" : generator == Generators.WpConfig && !text.Contains("DB_NAME", StringComparison.Ordinal) ? "wp-config.php without DB_NAME" : null;
            case Generators.SqlDump:
                return !text.Contains("INSERT", StringComparison.Ordinal) && !text.Contains("COPY", StringComparison.Ordinal) && !text.Contains("CREATE", StringComparison.Ordinal) ? "dump without statements" : null;
            case Generators.BashHistory:
                return lines.Length < 3 || lines.Any(l => l.StartsWith('#') && l.Length > 1 && !char.IsAsciiDigit(l[1])) ? "history with comments or too few commands" : UnknownUsers(request, text);
            case Generators.PostgresqlConf or Generators.MyCnf or Generators.PhpFpmPool or Generators.PgHba or Generators.DotEnv or Generators.RunnerConfig:
                return Share(lines, l => l.Length == 0 || l.StartsWith('#') || l.StartsWith(';') || l.StartsWith('[') || l.Contains('=', StringComparison.Ordinal) || l.Contains(':', StringComparison.Ordinal) || l.Contains(' ', StringComparison.Ordinal)) < 0.95 ? "not key/value configuration" : null;
            default:
                return null;
        }
    }

    /// <summary>Log or history text naming an account the persona does not have (other than as a logged guess).</summary>
    private static string? UnknownUsers(GhostRequest request, string text)
    {
        var users = request.World.Persona.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = NamedUsers(text).FirstOrDefault(u => !users.Contains(u));
        return unknown is null ? null : $"names user '{unknown}' that /etc/passwd does not have";
    }

    /// <summary>Accounts a log names as real (sessions, accepted logins, sudo), not the guesses it logs as "invalid user".</summary>
    public static IEnumerable<string> NamedUsers(string text) => NamedUser().Matches(text).Select(m => m.Groups["user"].Value);

    private static double Share(string[] lines, Func<string, bool> ok) => lines.Length == 0 ? 0 : lines.Count(ok) / (double)lines.Length;

    public static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    [GeneratedRegex(@"```[a-zA-Z0-9_+-]*\n(?<body>.*?)(\n```|$)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\S+ \S+ \S+ \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ""[^""]*"" \d{3} \d+ ""[^""]*"" ""[^""]*""$", RegexOptions.CultureInvariant)]
    private static partial Regex AccessLine();

    [GeneratedRegex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[(emerg|alert|crit|error|warn|notice|info|debug)\] \d+#\d+: ", RegexOptions.CultureInvariant)]
    private static partial Regex NginxErrorLine();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z \d+ \[(System|Warning|Note|ERROR)\] \[MY-\d{6}\] ", RegexOptions.CultureInvariant)]
    private static partial Regex MysqlLine();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [A-Z]{3,4} \[\d+\] ", RegexOptions.CultureInvariant)]
    private static partial Regex PostgresLine();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (startup|status|configure|install|upgrade|remove|purge|trigproc|conffile) ", RegexOptions.CultureInvariant)]
    private static partial Regex DpkgLine();

    // "for user X", "Accepted ... for X from", "session opened for user X(uid", "sudo: X :" — not "invalid user X".
    [GeneratedRegex(@"(?:(?:for user |Accepted \w+ for |New session \d+ of user )(?<user>[a-z_][a-z0-9_-]*)|sudo:\s+(?<user>[a-z_][a-z0-9_-]*)(?= : ))", RegexOptions.CultureInvariant)]
    private static partial Regex NamedUser();
}
