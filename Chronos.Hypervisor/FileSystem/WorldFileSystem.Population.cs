using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>Lazy directories: the persona's (or the lower layer's) entries are decided once, atomically.</summary>
internal sealed partial class WorldFileSystem
{
    public ValueTask<FsResult<bool>> PopulateDirectoryAsync(ulong dir, IReadOnlyList<DeclaredEntry> entries, bool onlyIfLazy, OpContext context, CancellationToken cancellationToken = default) =>
        PopulateAsync(dir, entries, onlyIfLazy ? "1" : "0", context, cancellationToken);

    public ValueTask<FsResult<bool>> OverlayDirectoryAsync(ulong dir, IReadOnlyList<DeclaredEntry> entries, OpContext context, CancellationToken cancellationToken = default) =>
        PopulateAsync(dir, entries, "o", context, cancellationToken);

    private async ValueTask<FsResult<bool>> PopulateAsync(ulong dir, IReadOnlyList<DeclaredEntry> entries, string mode, OpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var args = new List<RedisValue> { Session(context), dir, mode, entries.Count };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var uploads = new List<(string Sha, byte[] Bytes)>();
        foreach (var entry in entries)
        {
            var bad = Names.Check(entry.Name);
            if (bad != Errno.None)
            {
                return bad;
            }
            if (!names.Add(entry.Name))
            {
                return Errno.EEXIST;
            }
            var kind = FileModes.KindOf(entry.Mode);
            if (kind == FileKind.Unknown || (kind == FileKind.Symlink && Names.CheckTarget(entry.Target ?? "") != Errno.None))
            {
                return Errno.EINVAL;
            }
            var stored = kind == FileKind.Regular && entry.Content == ContentState.Stored;
            if (stored && entry.InlineContent.Length != entry.Size || entry.Size < 0 || entry.Size > Chunks.MaxFileSize)
            {
                return Errno.EINVAL;
            }
            args.Add(entry.Name);
            args.Add(entry.Mode);
            args.Add(entry.Uid);
            args.Add(entry.Gid);
            args.Add(kind == FileKind.Regular ? entry.Size : 0);
            args.Add(kind is FileKind.CharDevice or FileKind.BlockDevice ? entry.Rdev : 0);
            args.Add(entry.Mtime.ToUnixNanoseconds());
            args.Add(entry.Atime is { } atime ? atime.ToUnixNanoseconds() : "");
            args.Add(entry.Ctime is { } ctime ? ctime.ToUnixNanoseconds() : "");
            args.Add(kind == FileKind.Regular ? (int)entry.Content : 0);
            args.Add(entry.Target ?? "");
            args.Add(kind == FileKind.Directory && entry.Lazy ? "1" : "0");
            args.Add(entry.Origin ?? "");
            var countAt = args.Count;
            args.Add(0);
            if (stored)
            {
                args[countAt] = AddChunks(args, uploads, entry.InlineContent, withExpected: false);
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var r = await UploadThenRunAsync(
                uploads,
                Scripts.Populate,
                [_meta, _usage, _audit, _keys.NextIno, _keys.Inode(dir), _keys.Dir(dir), _keys.DirSeq(dir)],
                [.. args]);
            if (Status(r) != -1 || attempt == MaxAttempts)
            {
                return Status(r) == 0 ? (long)r[1] == 1 : Status(r) == -1 ? Errno.EAGAIN : (Errno)Status(r);
            }
        }
    }
}
