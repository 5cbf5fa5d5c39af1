using System.Globalization;

namespace Chronos.Persona.Generation;

/// <summary>When a crontab(5) schedule fires: enough of the syntax for logs (*, */n, a-b, lists, @keywords).</summary>
internal static class CronSchedule
{
    public static bool Fires(string schedule, DateTime local)
    {
        var fields = schedule switch
        {
            "@hourly" => new[] { "0", "*", "*", "*", "*" },
            "@daily" or "@midnight" => ["0", "0", "*", "*", "*"],
            "@weekly" => ["0", "0", "*", "*", "0"],
            "@monthly" => ["0", "0", "1", "*", "*"],
            "@yearly" or "@annually" => ["0", "0", "1", "1", "*"],
            "@reboot" => ["-1", "*", "*", "*", "*"],
            _ => schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        };
        return fields.Length == 5
            && Matches(fields[0], local.Minute)
            && Matches(fields[1], local.Hour)
            && Matches(fields[2], local.Day)
            && Matches(fields[3], local.Month)
            && (Matches(fields[4], (int)local.DayOfWeek) || (local.DayOfWeek == DayOfWeek.Sunday && Matches(fields[4], 7)));
    }

    private static bool Matches(string field, int value)
    {
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(part.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
                {
                    return false;
                }
                range = part[..slash];
            }
            int low, high;
            if (range == "*")
            {
                (low, high) = (0, 59);
            }
            else if (range.Split('-') is [var a, var b] && int.TryParse(a, CultureInfo.InvariantCulture, out low) && int.TryParse(b, CultureInfo.InvariantCulture, out high))
            {
            }
            else if (int.TryParse(range, CultureInfo.InvariantCulture, out low))
            {
                high = slash >= 0 ? 59 : low;
            }
            else
            {
                continue;
            }
            if (value >= low && value <= high && (value - low) % step == 0)
            {
                return true;
            }
        }
        return false;
    }
}
