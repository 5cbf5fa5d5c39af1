using System.Runtime.InteropServices;
using System.Text;
using Chronos.Fuse.Native;
using Microsoft.Extensions.Logging;

namespace Chronos.Fuse.Session;

/// <summary>Mount point housekeeping: is something mounted here, is it a dead FUSE mount, take it away.</summary>
internal static unsafe class MountTable
{
    private const int EINVAL = 22;
    private const int EBUSY = 16;
    private const int ENOTCONN = 107;

    /// <summary>True when /proc/self/mountinfo lists <paramref name="mountPoint"/> as a mount point.</summary>
    public static bool IsMounted(string mountPoint) => DeviceOf(mountPoint) is not null;

    /// <summary>"major:minor" of the last mount on <paramref name="mountPoint"/>, or null.</summary>
    public static string? DeviceOf(string mountPoint)
    {
        var full = Path.GetFullPath(mountPoint).TrimEnd('/');
        string? device = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Field 5 is the mount point, with spaces etc. escaped as \040; field 3 is major:minor.
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full)
            {
                device = fields[2];
            }
        }
        return device;
    }

    /// <summary>
    /// A FUSE mount whose daemon died answers every syscall with ENOTCONN ("Transport endpoint is
    /// not connected"): that is how a crash is recognised.
    /// </summary>
    public static bool IsStale(string mountPoint)
    {
        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        Stat st;
        fixed (byte* p = path)
        {
            if (LibC.stat(p, &st) == 0)
            {
                return false;
            }
        }
        return Marshal.GetLastPInvokeError() == ENOTCONN;
    }

    /// <summary>umount2 without MNT_DETACH: the kernel refuses (EBUSY) while a process of this mount
    /// namespace has a file open, a working directory or a mount inside it. Never detaches lazily.</summary>
    public static IdleUnmount TryUnmountIdle(string mountPoint)
    {
        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        fixed (byte* p = path)
        {
            if (LibC.umount2(p, 0) == 0)
            {
                return IdleUnmount.Unmounted;
            }
            return Marshal.GetLastPInvokeError() switch
            {
                EBUSY => IdleUnmount.Busy,
                EINVAL => IdleUnmount.NotMounted,
                var errno => throw new IOException($"umount {mountPoint} failed with errno {errno}"),
            };
        }
    }

    /// <summary>umount2; lazily (MNT_DETACH) when a process still uses the mount. Returns false if nothing was mounted.</summary>
    public static bool Unmount(string mountPoint, ILogger logger)
    {
        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        fixed (byte* p = path)
        {
            if (LibC.umount2(p, 0) == 0)
            {
                return true;
            }
            var error = Marshal.GetLastPInvokeError();
            if (error == EINVAL)
            {
                return false;
            }
            if (error == EBUSY || error == ENOTCONN)
            {
                Log.LazyUnmount(logger, mountPoint, error);
                return LibC.umount2(p, LibC.MNT_DETACH) == 0;
            }
            Log.UnmountFailed(logger, mountPoint, error);
            return false;
        }
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}

/// <summary>/sys/fs/fuse/connections/&lt;id&gt;: the kernel's handle on one FUSE connection.</summary>
internal static unsafe class FuseConnections
{
    /// <summary>
    /// The connection id is the kernel dev_t of the mount's anonymous device, read from
    /// /proc/self/mountinfo (field 3, major:minor) so the mount itself is not touched: a stat
    /// would wait for a daemon that may not answer.
    /// </summary>
    public static string? IdOf(string mountPoint)
    {
        var device = MountTable.DeviceOf(mountPoint);
        if (device is null)
        {
            return null;
        }
        var parts = device.Split(':');
        var major = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var minor = ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        return ((major << 20) | minor).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Aborts the connection: every pending and future request fails, libfuse's reads end.</summary>
    public static void Abort(string id)
    {
        var abort = Path.Combine("/sys/fs/fuse/connections", id, "abort");
        try
        {
            File.WriteAllText(abort, "1");
        }
        catch (IOException)
        {
            // Already gone.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>What <see cref="MountTable.TryUnmountIdle"/> did.</summary>
internal enum IdleUnmount
{
    Unmounted,
    Busy,
    NotMounted,
}
