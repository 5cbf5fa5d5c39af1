namespace Chronos.AppHost.Hosting;

/// <summary>
/// Something a resource needs from the machine. Checked for every resource that will run before
/// anything starts, so a missing package costs one clear line, not a half-started system.
/// </summary>
public abstract record Prerequisite
{
    /// <summary>Null when satisfied; otherwise the one line to print (what is missing and how to get it).</summary>
    public abstract string? Check();

    /// <summary>A program found on PATH (or an absolute path), installed by a Debian package.</summary>
    public static Prerequisite Command(string command, string debianPackage) => new CommandPrerequisite(command, debianPackage);

    /// <summary>A file or device node that must exist, e.g. /dev/fuse.</summary>
    public static Prerequisite PathExists(string path, string remedy) => new PathPrerequisite(path, remedy);

    /// <summary>The AppHost must run as root (mounting FUSE with allow_other, binding port 22, ...).</summary>
    public static Prerequisite Root(string why) => new RootPrerequisite(why);
}

internal sealed record CommandPrerequisite(string Program, string DebianPackage) : Prerequisite
{
    public override string? Check() =>
        ExecutableSearch.Find(Program) is null ? $"{Program} not found: apt-get install {DebianPackage}" : null;
}

internal sealed record PathPrerequisite(string Path, string Remedy) : Prerequisite
{
    public override string? Check() =>
        File.Exists(Path) || Directory.Exists(Path) ? null : $"{Path} not found: {Remedy}";
}

internal sealed record RootPrerequisite(string Why) : Prerequisite
{
    public override string? Check() =>
        System.Environment.UserName == "root" || Native.GetEffectiveUserId() == 0 ? null : $"must run as root: {Why}";
}

/// <summary>PATH lookup as execvp does it.</summary>
internal static class ExecutableSearch
{
    public static string? Find(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(command) ? Path.GetFullPath(command) : null;
        }
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
