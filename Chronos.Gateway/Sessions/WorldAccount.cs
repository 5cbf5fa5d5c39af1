using System.Globalization;

namespace Chronos.Gateway.Sessions;

/// <summary>One line of the world's /etc/passwd: who a session runs as.</summary>
public sealed record WorldAccount(string Name, uint Uid, uint Gid, string Home, string Shell)
{
    /// <summary>
    /// Finds <paramref name="user"/> in passwd(5) text. Malformed lines are skipped, as glibc's
    /// files backend skips them; the first valid match wins. Null when absent.
    /// </summary>
    public static WorldAccount? Find(string passwd, string user)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        foreach (var raw in passwd.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
            {
                continue;
            }
            var fields = line.Split(':');
            if (fields.Length != 7 || fields[0] != user)
            {
                continue;
            }
            if (!uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                || !uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
                || uid > 65_535 || gid > 65_535)
            {
                continue;
            }
            var home = fields[5].StartsWith('/') ? fields[5] : "/";
            // An empty shell field means /bin/sh (passwd(5)).
            var shell = fields[6].Length == 0 ? "/bin/sh" : fields[6];
            return new WorldAccount(fields[0], uid, gid, home, shell);
        }
        return null;
    }
}
