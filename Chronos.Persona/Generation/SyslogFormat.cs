using System.Globalization;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// The line prefix rsyslog writes: the traditional "Mmm dd hh:mm:ss host tag:" on Ubuntu 22.04,
/// RFC 3339 with microseconds on Debian 12 and Ubuntu 24.04 (their rsyslog.conf defaults).
/// </summary>
internal static class SyslogFormat
{
    public static bool Rfc3339(WorldContext world) => world.Persona.IsDebian || world.Persona.Os.VersionId != "22.04";

    public static string Stamp(WorldContext world, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, world.Zone);
        return Rfc3339(world)
            ? local.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (local.Offset == TimeSpan.Zero && world.Persona.TimeZone == "UTC" ? "+00:00" : local.ToString("zzz", CultureInfo.InvariantCulture))
            : local.ToString("MMM", CultureInfo.InvariantCulture) + " " + local.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " " + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }

    public static string Line(WorldContext world, DateTimeOffset at, string tag, string message) =>
        $"{Stamp(world, at)} {world.Persona.Hostname} {tag}: {message}\n";

    /// <summary>Filler for syslog-format files: cron session lines whose command is padded with words.</summary>
    public static Filler CronFiller(WorldContext world, DateTimeOffset at, int pid)
    {
        var prefix = Line(world, at, $"CRON[{pid}]", "(root) CMD (").TrimEnd('\n');
        var min = TextFitter.Bytes(prefix) + 3;
        return new Filler(min, Math.Max(2 * min, 200), (length, random) =>
            prefix + Words.Exactly(length - TextFitter.Bytes(prefix) - 2, Words.Prose, random) + ")\n");
    }

    /// <summary>A regular expression-free check that a line starts with this world's syslog prefix.</summary>
    public static bool IsLine(WorldContext world, string line)
    {
        var space = line.IndexOf(' ', Rfc3339(world) ? 0 : 16);
        if (Rfc3339(world))
        {
            return space > 20 && DateTimeOffset.TryParse(line.AsSpan(0, space), CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                && line.AsSpan(space + 1).StartsWith(world.Persona.Hostname + " ", StringComparison.Ordinal);
        }
        return line.Length > 16 && DateTime.TryParseExact(line[..15].Replace("  ", " 0", StringComparison.Ordinal), "MMM dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && line.AsSpan(16).StartsWith(world.Persona.Hostname + " ", StringComparison.Ordinal);
    }
}
