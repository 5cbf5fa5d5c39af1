using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;
using Microsoft.Extensions.Logging;

namespace Chronos.Fuse.Layers;

/// <summary>
/// The content origin "lower": a lazy directory with Origin <c>lower:&lt;path&gt;</c> takes the
/// lower directory's listing once (every entry with its lstat metadata; subdirectories lazy in
/// turn; regular files Lower, their bytes left on disk); a Lower file is copied up (its bytes
/// committed to the world) the first time it is changed. Deleting a populated entry is an ordinary
/// unlink in Redis: the directory is never populated again, which is the whiteout.
/// </summary>
internal sealed class LowerOrigin(LowerLayer layer, ILogger logger) : IContentOrigin
{
    public const string SchemeName = "lower";

    public string Scheme => SchemeName;

    public LowerLayer Layer { get; } = layer;

    public static string PathOf(string? origin) =>
        origin is not null && origin.StartsWith(SchemeName + ":", StringComparison.Ordinal)
            ? origin[(SchemeName.Length + 1)..]
            : throw new FuseErrnoException(Errno.EIO, $"'{origin}' is not a lower origin");

    public async ValueTask PopulateAsync(IWorldFileSystem world, InodeAttributes directory, CancellationToken cancellationToken)
    {
        var relative = PathOf(directory.Origin);
        var entries = Layer.List(relative, (path, reason) => Log.LowerEntrySkipped(logger, path, reason));
        var result = await world.PopulateDirectoryAsync(directory.Ino, entries, onlyIfLazy: true, OpContext.System, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            throw new FuseErrnoException(result.Error, $"populating '{relative}' failed");
        }
        if (result.Value)
        {
            Log.LowerPopulated(logger, "/" + relative, entries.Count);
        }
    }

    public async ValueTask MaterializeAsync(IWorldFileSystem world, InodeAttributes file, CancellationToken cancellationToken)
    {
        byte[] content;
        using (var lower = Layer.OpenFile(PathOf(file.Origin)))
        {
            content = lower.ReadAll();
        }
        var result = await world.CommitContentAsync(file.Ino, content, OpContext.System, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            throw new FuseErrnoException(result.Error, $"copy-up of inode {file.Ino} failed");
        }
        if (result.Value)
        {
            Log.CopiedUp(logger, file.Ino, content.Length);
        }
    }
}
