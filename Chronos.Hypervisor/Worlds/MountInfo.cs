using System.Text;

namespace Chronos.Hypervisor.Worlds;

/// <summary>One line of /proc/&lt;pid&gt;/mountinfo: the mount's device (st_dev as "major:minor"), where it
/// is mounted, and its filesystem type ("fuse", "fuse.chronos", "ext4" …).</summary>
public sealed record MountInfoEntry(string Device, string MountPoint, string FileSystemType)
{
    /// <summary>A FUSE mount (libfuse reports "fuse" or "fuse.&lt;subtype&gt;").</summary>
    public bool IsFuse => FileSystemType == "fuse" || FileSystemType.StartsWith("fuse.", StringComparison.Ordinal);
}

/// <summary>
/// Reads proc_pid_mountinfo(5): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw".
/// Field 3 is the device, field 5 the mount point (space, tab, newline and backslash escaped as
/// \040, \011, \012, \134), and the type follows the " - " separator after the optional fields.
/// Used by the Gateway (is a world's mount point a live FUSE mount?) and by Chronos.Fuse (does any
/// other mount namespace still hold a world's mount?). Malformed lines are skipped, never thrown on.
/// </summary>
public static class MountInfo
{
    public static IEnumerable<MountInfoEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n'))
        {
            if (TryParseLine(line, out var entry))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Reads /proc/&lt;pid&gt;/mountinfo ("self" for this process); empty when the process is gone.</summary>
    public static IReadOnlyList<MountInfoEntry> Read(string pid = "self")
    {
        try
        {
            return [.. Parse(File.ReadAllText($"/proc/{pid}/mountinfo"))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The mount visible at <paramref name="mountPoint"/> (the last one listed: later mounts stack on top), or null.</summary>
    public static MountInfoEntry? At(IEnumerable<MountInfoEntry> entries, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var full = Path.GetFullPath(mountPoint);
        full = full.Length > 1 ? full.TrimEnd('/') : full;
        return entries.LastOrDefault(e => e.MountPoint == full);
    }

    public static bool TryParseLine(string line, out MountInfoEntry entry)
    {
        entry = null!;
        if (line is null)
        {
            return false;
        }
        var fields = line.TrimEnd('\r').Split(' ');
        // id, parent, device, root, mount point, options, zero or more optional fields, "-", type, source, super options.
        if (fields.Length < 9)
        {
            return false;
        }
        var separator = Array.IndexOf(fields, "-", 6);
        if (separator < 0 || separator + 1 >= fields.Length || fields[separator + 1].Length == 0)
        {
            return false;
        }
        var device = fields[2];
        var colon = device.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == device.Length - 1 || !device.AsSpan(0, colon).ContainsOnlyDigits() || !device.AsSpan(colon + 1).ContainsOnlyDigits())
        {
            return false;
        }
        var mountPoint = Unescape(fields[4]);
        if (!mountPoint.StartsWith('/'))
        {
            return false;
        }
        entry = new MountInfoEntry(device, mountPoint, Unescape(fields[separator + 1]));
        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The kernel's octal escapes (\040 etc.) back to bytes, then UTF-8 (paths are bytes).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var raw = Encoding.UTF8.GetBytes(field);
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 3 < raw.Length && raw[i + 1] is >= (byte)'0' and <= (byte)'3'
                && raw[i + 2] is >= (byte)'0' and <= (byte)'7' && raw[i + 3] is >= (byte)'0' and <= (byte)'7')
            {
                bytes.Add((byte)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0')));
                i += 3;
                continue;
            }
            bytes.Add(raw[i]);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
