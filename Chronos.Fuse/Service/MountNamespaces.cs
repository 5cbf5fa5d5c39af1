using Chronos.Hypervisor.Worlds;

namespace Chronos.Fuse.Service;

/// <summary>
/// Whether a mount is in use from another mount namespace. A sandbox (bubblewrap) binds its world's
/// mount as its own "/" in a namespace of its own: unmounting ours would not fail with EBUSY, it
/// would leave the sandbox on a connection about to be closed (ENOTCONN on every syscall). So
/// before an idle unmount every distinct mount namespace on the host is checked for the device.
/// </summary>
internal static class MountNamespaces
{
    /// <summary>
    /// True when a process in a mount namespace other than this one has <paramref name="device"/>
    /// mounted anywhere but at <paramref name="mountPoint"/>. A copy at the same path is a snapshot
    /// of this namespace's tree taken when a namespace was created (slave copies follow our unmount
    /// by propagation), not a user of the world.
    /// </summary>
    public static bool HoldElsewhere(string device, string mountPoint)
    {
        var own = NamespaceOf("self");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (own is not null)
        {
            seen.Add(own);
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (!pid.AsSpan().ContainsOnlyDigits() || NamespaceOf(pid) is not { } ns || !seen.Add(ns))
            {
                continue;
            }
            if (MountInfo.Read(pid).Any(e => e.Device == device && e.MountPoint != mountPoint))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>"mnt:[4026531841]" for a live process; null when it is gone or not ours to read.</summary>
    private static string? NamespaceOf(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span) => span.Length > 0 && !span.ContainsAnyExceptInRange('0', '9');
}
