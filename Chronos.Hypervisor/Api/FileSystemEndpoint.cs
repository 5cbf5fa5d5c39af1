using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;

namespace Chronos.Hypervisor.Api;

/// <summary>
/// GET /api/worlds/{world}/fs?path=/etc[&amp;content=true[&amp;raw=true]]: a directory's listing or a
/// file's attributes and, on request, its bytes. Read-only and side-effect free: it never
/// generates a Ghost file (it reports content "ghost"), never copies up a Lower file, never
/// decides a lazy directory (it reports lazy and lists what is already there).
/// </summary>
internal static class FileSystemEndpoint
{
    /// <summary>1 MiB: enough for any config file an attacker touched; bigger files are cut and say so.</summary>
    public const int MaxContentBytes = 1 << 20;

    /// <summary>Entries per listing, so one huge directory cannot make a huge response.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>The API's handle identity: reads only, so it never owns an open handle.</summary>
    private const string ClientId = "hypervisor-api";

    public static async Task<IResult> GetAsync(string world, string? path, string? content, string? raw, WorldCatalog catalog, CancellationToken cancellationToken)
    {
        if (await WorldEndpoints.CheckWorldAsync(world, catalog, cancellationToken) is { } missing)
        {
            return missing;
        }
        if (!QueryFlag.TryParse(content, out var withContent) || !QueryFlag.TryParse(raw, out var asRaw))
        {
            return Problems.BadRequest("Invalid flag", "content and raw are true or false");
        }
        var fs = catalog.Open(world, ClientId);
        var (resolved, problem) = await PathResolver.ResolveAsync(fs, path ?? "/", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var attributes = resolved!.Attributes;
        if (attributes.Kind == FileKind.Directory && !asRaw)
        {
            return TypedResults.Ok(await ListAsync(fs, resolved, cancellationToken));
        }

        string? target = null;
        if (attributes.Kind == FileKind.Symlink)
        {
            var link = await fs.ReadLinkAsync(attributes.Ino, cancellationToken);
            target = link.IsOk ? link.Value : null;
        }
        var entry = FileEntry.From(resolved.Name, attributes, target);
        if (!withContent && !asRaw)
        {
            return TypedResults.Ok(new FileView(resolved.Path, entry, null, null));
        }
        if (attributes.Kind != FileKind.Regular)
        {
            return Problems.BadRequest("Not a regular file", $"{resolved.Path} is a {entry.Kind}; only regular files have content");
        }
        if (attributes.Content != ContentState.Stored)
        {
            // Reading it would make it real (generate it, or copy it up): that is a session's act, not a viewer's.
            return asRaw
                ? Problems.Conflict("Content not materialized", $"{resolved.Path} is {entry.Content}: its content does not exist until a session reads it")
                : TypedResults.Ok(new FileView(resolved.Path, entry, null, null));
        }

        var length = (int)Math.Min(attributes.Size, MaxContentBytes);
        var bytes = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await fs.ReadAsync(attributes.Ino, filled, bytes.AsMemory(filled), cancellationToken);
            if (!read.IsOk)
            {
                return Problems.Conflict("Content changed", $"{resolved.Path} could not be read ({read.Error}); it may have changed meanwhile");
            }
            if (read.Value == 0)
            {
                break;
            }
            filled += read.Value;
        }
        var truncated = attributes.Size > MaxContentBytes;
        if (asRaw)
        {
            return new RawContentResult(bytes.AsMemory(0, filled), truncated);
        }
        return TypedResults.Ok(new FileView(resolved.Path, entry, Convert.ToBase64String(bytes, 0, filled), truncated));
    }

    private static async Task<DirectoryListing> ListAsync(IWorldFileSystem fs, PathResolver.Resolved directory, CancellationToken cancellationToken)
    {
        var entries = new List<FileEntry>();
        long cookie = 0;
        var truncated = false;
        while (true)
        {
            var page = await fs.ReadDirAsync(directory.Attributes.Ino, cookie, 512, withAttributes: true, cancellationToken);
            if (!page.IsOk)
            {
                break;
            }
            foreach (var item in page.Value.Entries)
            {
                cookie = item.NextCookie;
                if (item.Name is "." or "..")
                {
                    continue;
                }
                if (entries.Count == MaxEntries)
                {
                    truncated = true;
                    break;
                }
                var attributes = item.Attributes;
                if (attributes is null)
                {
                    var stat = await fs.GetAttrAsync(item.Ino, cancellationToken);
                    if (!stat.IsOk)
                    {
                        continue; // removed while we listed
                    }
                    attributes = stat.Value;
                }
                string? target = null;
                if (attributes.Kind == FileKind.Symlink && await fs.ReadLinkAsync(attributes.Ino, cancellationToken) is { IsOk: true } link)
                {
                    target = link.Value;
                }
                entries.Add(FileEntry.From(item.Name, attributes, target));
            }
            if (truncated || page.Value.End || page.Value.Entries.Count == 0)
            {
                break;
            }
        }
        return new DirectoryListing(directory.Path, FileEntry.From(directory.Name, directory.Attributes), entries, truncated);
    }

    /// <summary>The bytes as they are (application/octet-stream); X-Chronos-Truncated says when the 1 MiB cap cut them.</summary>
    private sealed class RawContentResult(ReadOnlyMemory<byte> content, bool truncated) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/octet-stream";
            httpContext.Response.ContentLength = content.Length;
            httpContext.Response.Headers["X-Chronos-Truncated"] = truncated ? "true" : "false";
            await httpContext.Response.Body.WriteAsync(content, httpContext.RequestAborted);
        }
    }
}

/// <summary>A boolean query flag: absent is false; true/false/1/0 otherwise.</summary>
internal static class QueryFlag
{
    public static bool TryParse(string? text, out bool value)
    {
        value = text is "true" or "True" or "1";
        return text is null or "true" or "True" or "1" or "false" or "False" or "0";
    }
}
