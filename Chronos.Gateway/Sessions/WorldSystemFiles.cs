using Chronos.Gateway.Sandbox;

namespace Chronos.Gateway.Sessions;

/// <summary>
/// What a world's persona says about its kernel and init, read from the world's mount before a
/// session starts: the files the persona keeps under the world's /proc (hidden inside a session
/// by its own procfs, so bound over procfs's files of the same name), and whether the world has
/// the systemd binary and /sbin/init link that the sandbox's pid 1 is shown as.
/// </summary>
internal static class WorldSystemFiles
{
    private static readonly string[] KernelFiles = ["/proc/version", "/proc/sys/kernel/osrelease", "/proc/sys/kernel/version"];

    /// <summary>The persona's kernel files, host path to sandbox path; only regular files (never a link the world could point elsewhere).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ProcFiles(string root) =>
        [.. KernelFiles.Where(path => IsRegularFile(Inside(root, path))).Select(path => new KeyValuePair<string, string>(Inside(root, path), path))];

    public static string? KernelRelease(string root)
    {
        var path = Inside(root, "/proc/sys/kernel/osrelease");
        if (!IsRegularFile(path))
        {
            return null;
        }
        using var reader = new StreamReader(path);
        var line = reader.ReadLine()?.Trim();
        return line is { Length: > 0 and <= 64 } && line.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+') ? line : null;
    }

    /// <summary>
    /// True when the world has /usr/lib/systemd/systemd as a regular file (a bind target bwrap
    /// need not create, which would change the world) and /usr/sbin/init, which starts it.
    /// </summary>
    public static bool CanShowInit(string root) =>
        IsRegularFile(Inside(root, SandboxCommandLine.InitPath)) && new FileInfo(Inside(root, "/usr/sbin/init")) is { } init && (init.Exists || init.LinkTarget is not null);

    private static string Inside(string root, string path) => Path.Join(root, path);

    private static bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null;
    }
}
