using System.Globalization;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// /etc/subuid and /etc/subgid must grant root the host range the persona's ids map onto, or
/// newuidmap refuses the map and no session can start. The Gateway runs as root and owns this
/// host's sandboxing, so it adds the one line itself when missing (and says so) rather than fail.
/// </summary>
public static class SubordinateIds
{
    /// <summary>Ensures both files grant root [first, first + count). Returns true when a line was added.</summary>
    public static bool Ensure(uint first, uint count, string etc = "/etc")
    {
        var added = false;
        foreach (var file in new[] { "subuid", "subgid" })
        {
            var path = Path.Combine(etc, file);
            var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
            if (!lines.Any(line => Grants(line, first, count)))
            {
                File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"root:{first}:{count}\n"));
                added = true;
            }
        }
        return added;
    }

    /// <summary>Whether one line ("name:first:count") grants root the whole range.</summary>
    internal static bool Grants(string line, uint first, uint count)
    {
        var parts = line.Split(':');
        return parts.Length == 3
            && parts[0] is "root" or "0"
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            && start <= first
            && (ulong)start + length >= (ulong)first + count;
    }
}
