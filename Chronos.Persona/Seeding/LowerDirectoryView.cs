namespace Chronos.Persona.Seeding;

/// <summary>
/// The host directory a world is layered on (WorldSpec.LowerDirectory) and the top-level names the
/// Fuse layer takes from it (Chronos:Fuse:LowerInclude), as seeding needs them: only to decide
/// which planned directories continue a lower directory and so stay lazy with origin
/// <c>lower:&lt;path&gt;</c>. Seeding never lists or reads the layer: the Fuse layer does, beneath
/// its root descriptor and without following links.
/// </summary>
public sealed class LowerDirectoryView(string directory, IReadOnlyCollection<string> include)
{
    private readonly HashSet<string> _include = new(include, StringComparer.Ordinal);

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>
    /// True when <paramref name="relative"/> (no leading slash) is a directory of the layer that the
    /// Fuse layer will list: its top-level name is included, and neither it nor any directory on
    /// the way is a symbolic link (the Fuse layer resolves with RESOLVE_NO_SYMLINKS).
    /// </summary>
    public bool HasDirectory(string relative)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || (_include.Count > 0 && !_include.Contains(parts[0])))
        {
            return false;
        }
        var path = Directory;
        foreach (var part in parts)
        {
            if (part is "." or "..")
            {
                return false;
            }
            path = Path.Combine(path, part);
            var info = new DirectoryInfo(path);
            if (!info.Exists || info.LinkTarget is not null)
            {
                return false;
            }
        }
        return true;
    }
}
