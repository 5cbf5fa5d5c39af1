using System.Text;
using Chronos.Hypervisor.FileSystem;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chronos.Hypervisor.Api;

/// <summary>
/// Resolves an absolute path in a world by LookupAsync from inode 1, as the kernel's path walk
/// does: "." and empty components are skipped, ".." goes up (not above /), a symlink in the middle
/// is followed (at most 40 times, Linux's MAXSYMLINKS, then ELOOP), the last component is not
/// (lstat semantics) unless the path ends in '/'. Lookups never populate a lazy directory: a name
/// not decided yet is simply not found.
/// </summary>
internal static class PathResolver
{
    public const int MaxSymlinkHops = 40;
    public const int MaxPathBytes = 4096; // PATH_MAX

    /// <summary>The inode a path names, and the path as resolved (symlinks and ".." applied).</summary>
    public sealed record Resolved(string Path, string Name, InodeAttributes Attributes);

    public static async Task<(Resolved? Resolved, ProblemHttpResult? Problem)> ResolveAsync(IWorldFileSystem fs, string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return (null, Problems.BadRequest("Invalid path", $"path must be absolute (start with '/'), not '{path}'"));
        }
        if (path.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            return (null, Problems.BadRequest("Invalid path", $"a path has no NUL and at most {MaxPathBytes} bytes"));
        }

        var root = await fs.GetAttrAsync(1, cancellationToken);
        if (!root.IsOk)
        {
            return (null, Problems.NotFound("No root", $"the world has no root inode ({root.Error})"));
        }
        var stack = new List<(string Name, InodeAttributes Attributes)> { ("", root.Value) };
        var pending = new LinkedList<string>(Components(path));
        var hops = 0;
        while (pending.First is { } node)
        {
            var component = node.Value;
            pending.RemoveFirst();
            var (_, current) = stack[^1];
            if (component == "..")
            {
                if (stack.Count > 1)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
                continue;
            }
            if (current.Kind != FileKind.Directory)
            {
                return (null, Problems.BadRequest("Not a directory", $"{Join(stack)} is not a directory (ENOTDIR)"));
            }
            if (component == ".")
            {
                continue;
            }

            var lookup = await fs.LookupAsync(current.Ino, component, cancellationToken);
            if (!lookup.IsOk)
            {
                var at = Join(stack) == "/" ? "/" + component : Join(stack) + "/" + component;
                return (null, lookup.Error == Errno.ENOENT
                    ? Problems.NotFound("No such file or directory", current.IsLazyDirectory
                        ? $"{at} does not exist; {Join(stack)} is a lazy directory whose entries are not decided yet"
                        : $"{at} does not exist (ENOENT)")
                    : Problems.BadRequest("Invalid path", $"{at}: {lookup.Error}"));
            }
            var found = lookup.Value;
            // A symlink with more to walk (or a trailing '/') is followed; a final one is reported.
            if (found.Kind == FileKind.Symlink && pending.Count > 0)
            {
                if (++hops > MaxSymlinkHops)
                {
                    return (null, Problems.BadRequest("Too many levels of symbolic links", $"more than {MaxSymlinkHops} symlinks while resolving {path} (ELOOP)"));
                }
                var target = await fs.ReadLinkAsync(found.Ino, cancellationToken);
                if (!target.IsOk)
                {
                    return (null, Problems.BadRequest("Unreadable symlink", $"{component}: {target.Error}"));
                }
                if (target.Value.StartsWith('/'))
                {
                    stack.RemoveRange(1, stack.Count - 1);
                }
                foreach (var part in Components(target.Value).Reverse())
                {
                    pending.AddFirst(part);
                }
                continue;
            }
            stack.Add((component, found));
        }
        return (new Resolved(Join(stack), stack[^1].Name == "" ? "/" : stack[^1].Name, stack[^1].Attributes), null);
    }

    /// <summary>The components to walk; a trailing '/' becomes "." so that the last one must be (or lead to) a directory.</summary>
    private static IEnumerable<string> Components(string path)
    {
        var parts = path.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && parts[i] != ".")
            {
                yield return parts[i];
            }
        }
        if (path.Length > 1 && path.EndsWith('/'))
        {
            yield return ".";
        }
    }

    private static string Join(List<(string Name, InodeAttributes Attributes)> stack) =>
        stack.Count == 1 ? "/" : string.Concat(stack.Skip(1).Select(s => "/" + s.Name));
}
