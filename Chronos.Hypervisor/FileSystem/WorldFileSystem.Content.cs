using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// File content: 64 KiB chunks addressed by SHA-256. Lua has no SHA-256, so hashing happens here:
/// a write that covers part of a chunk reads the chunk (one read-only script), merges, hashes and
/// calls write.lua with the hash it read as a compare-and-set precondition; a concurrent change
/// of that chunk makes the script answer -1 and the write starts over. Whole chunks need no read.
/// </summary>
internal sealed partial class WorldFileSystem
{
    public async ValueTask<FsResult<int>> ReadAsync(ulong ino, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0)
        {
            return Errno.EINVAL;
        }
        if (destination.Length == 0 || offset >= Chunks.MaxFileSize)
        {
            return await EmptyTransferAsync(ino, cancellationToken);
        }
        var r = await _scripts.RunAsync(Scripts.Read, [_meta, _keys.Inode(ino), _keys.Chunks(ino)], [offset, destination.Length], readOnly: true);
        if (Status(r) != 0)
        {
            return (Errno)Status(r);
        }
        var error = ContentErrno((uint)(long)r[2], (ContentState)(long)r[3]);
        if (error != Errno.None)
        {
            return error;
        }
        var available = (int)Math.Clamp((long)r[1] - offset, 0, destination.Length);
        var span = destination.Span[..available];
        span.Clear();
        var first = (long)r[4];
        for (var i = 5; i < r.Length; i++)
        {
            var slice = (byte[])r[i]! ?? [];
            var at = Math.Max(offset, (first + i - 5) * Chunks.Size) - offset;
            slice.CopyTo(span[(int)at..]);
        }
        return available;
    }

    public async ValueTask<FsResult<int>> WriteAsync(ulong ino, long offset, ReadOnlyMemory<byte> data, OpContext context, CancellationToken cancellationToken = default)
    {
        if (offset < 0)
        {
            return Errno.EINVAL;
        }
        if (offset + data.Length > Chunks.MaxFileSize)
        {
            return Errno.EFBIG;
        }
        if (data.Length == 0)
        {
            return await EmptyTransferAsync(ino, cancellationToken);
        }
        var end = offset + data.Length;
        var first = offset / Chunks.Size;
        var last = (end - 1) / Chunks.Size;
        var partialFirst = offset > first * Chunks.Size || end < (first + 1) * Chunks.Size;
        var partialLast = last != first && end < (last + 1) * Chunks.Size;
        for (var attempt = 1; ; attempt++)
        {
            ChunkRead old = default;
            if (partialFirst || partialLast)
            {
                old = await ReadChunksAsync(ino, partialFirst ? first : last, partialLast ? last : first);
                if (old.Error != Errno.None)
                {
                    return old.Error;
                }
            }
            var uploads = new List<(string Sha, byte[] Bytes)>((int)(last - first + 1));
            var args = new RedisValue[6 + 3 * (int)(last - first + 1)];
            args[0] = Session(context);
            args[1] = ino;
            args[2] = offset;
            args[3] = data.Length;
            args[4] = end;
            args[5] = last - first + 1;
            var a = 6;
            for (var i = first; i <= last; i++)
            {
                var chunkStart = i * Chunks.Size;
                var from = Math.Max(offset, chunkStart);
                var to = Math.Min(end, chunkStart + Chunks.Size);
                var slice = data.Span.Slice((int)(from - offset), (int)(to - from));
                string expected;
                byte[] bytes;
                if (from == chunkStart && to == chunkStart + Chunks.Size)
                {
                    expected = "*";
                    bytes = slice.ToArray();
                }
                else
                {
                    var index = (int)(i - old.First);
                    var oldBytes = old.Data[index];
                    expected = old.Shas[index];
                    bytes = new byte[Math.Max(oldBytes.Length, (int)(to - chunkStart))];
                    oldBytes.CopyTo(bytes, 0);
                    slice.CopyTo(bytes.AsSpan((int)(from - chunkStart)));
                }
                var sha = Chunks.Hash(bytes);
                uploads.Add((sha, bytes));
                args[a++] = i;
                args[a++] = expected;
                args[a++] = sha;
            }
            var status = old.Stale ? -1 : Status(await UploadThenRunAsync(uploads, Scripts.Write, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], args));
            if (status == 0)
            {
                return data.Length;
            }
            if (status != -1)
            {
                return (Errno)status;
            }
            if (attempt == MaxAttempts)
            {
                Log.ChunkContention(_logger, World, ino, "write", attempt);
                return Errno.EAGAIN;
            }
            Log.ChunkRetry(_logger, World, ino, "write", attempt);
        }
    }

    public async ValueTask<FsResult<InodeAttributes>> SetAttrAsync(ulong ino, SetAttrRequest request, OpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Size is < 0)
        {
            return Errno.EINVAL;
        }
        if (request.Size > Chunks.MaxFileSize)
        {
            return Errno.EFBIG;
        }
        for (var attempt = 1; ; attempt++)
        {
            var uploads = new List<(string Sha, byte[] Bytes)>(1);
            var stale = false;
            var args = new List<RedisValue>(14)
            {
                Session(context),
                ino,
                request.Mode is { } mode ? (long)(mode & FileModes.PermissionBits) : "",
                request.Uid is { } uid ? (long)uid : "",
                request.Gid is { } gid ? (long)gid : "",
                request.Size is { } size ? size : "",
                request.AtimeNow ? "now" : request.Atime is { } at ? at.ToUnixNanoseconds() : "",
                request.MtimeNow ? "now" : request.Mtime is { } mt ? mt.ToUnixNanoseconds() : "",
                request.Ctime is { } ct ? ct.ToUnixNanoseconds() : "",
            };
            if (request.Size is { } newSize && newSize % Chunks.Size != 0)
            {
                // Shrinking into the middle of a chunk: the chunk is rewritten without the bytes past
                // the new end, so a later extension reads zeros there, as on Linux.
                var tail = newSize / Chunks.Size;
                var old = await ReadChunksAsync(ino, tail, tail);
                if (old.Error != Errno.None)
                {
                    return old.Error;
                }
                var keep = (int)(newSize % Chunks.Size);
                args.Add(1);
                args.Add(tail);
                args.Add(old.Shas[0]);
                if (old.Data[0].Length > keep)
                {
                    var trimmed = old.Data[0].AsSpan(0, keep).ToArray();
                    var sha = Chunks.Hash(trimmed);
                    uploads.Add((sha, trimmed));
                    args.Add(sha);
                }
                else
                {
                    args.Add(old.Shas[0]);
                }
                stale = old.Stale;
            }
            else
            {
                args.Add(0);
            }
            RedisResult[] r = [];
            var status = stale ? -1 : Status(r = await UploadThenRunAsync(uploads, Scripts.SetAttr, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], [.. args]));
            if (status == 0)
            {
                return InodeFields.Parse(ino, (RedisResult[])r[1]!);
            }
            if (status != -1)
            {
                return (Errno)status;
            }
            if (attempt == MaxAttempts)
            {
                Log.ChunkContention(_logger, World, ino, "truncate", attempt);
                return Errno.EAGAIN;
            }
            Log.ChunkRetry(_logger, World, ino, "truncate", attempt);
        }
    }

    public async ValueTask<FsResult<bool>> CommitContentAsync(ulong ino, ReadOnlyMemory<byte> content, OpContext context, CancellationToken cancellationToken = default)
    {
        var attributes = await GetAttrAsync(ino, cancellationToken);
        if (!attributes.IsOk)
        {
            return attributes.Error;
        }
        if (attributes.Value.Content == ContentState.Stored)
        {
            return false;
        }
        if (attributes.Value.Content == ContentState.Lower && content.Length != attributes.Value.Size)
        {
            // The lower layer's file may have changed since its size was declared; the declared
            // size is what the world has shown, so the bytes are fitted to it.
            var fitted = new byte[attributes.Value.Size];
            content.Span[..(int)Math.Min(content.Length, fitted.Length)].CopyTo(fitted);
            content = fitted;
        }
        for (var attempt = 1; ; attempt++)
        {
            var args = new List<RedisValue> { Session(context), ino, content.Length, 0 };
            var uploads = new List<(string Sha, byte[] Bytes)>();
            args[3] = AddChunks(args, uploads, content, withExpected: true);
            var r = await UploadThenRunAsync(uploads, Scripts.Commit, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], [.. args]);
            if (Status(r) != -1 || attempt == MaxAttempts)
            {
                return Status(r) == 0 ? (long)r[1] == 1 : Status(r) == -1 ? Errno.EAGAIN : (Errno)Status(r);
            }
        }
    }

    /// <summary>Appends {index, ['*',] sha} groups for the chunks of content and queues their uploads; returns their number.</summary>
    private static int AddChunks(List<RedisValue> args, List<(string Sha, byte[] Bytes)> uploads, ReadOnlyMemory<byte> content, bool withExpected)
    {
        var count = 0;
        for (var start = 0; start < content.Length; start += Chunks.Size)
        {
            var bytes = content.Slice(start, Math.Min(Chunks.Size, content.Length - start)).ToArray();
            var sha = Chunks.Hash(bytes);
            uploads.Add((sha, bytes));
            args.Add(start / Chunks.Size);
            if (withExpected)
            {
                args.Add("*");
            }
            args.Add(sha);
            count++;
        }
        return count;
    }

    /// <summary>
    /// Uploads blobs (SET NX with a TTL: content-addressed, so an existing blob is already right, and
    /// an upload no script ever uses expires) and runs the script right behind them on the same
    /// connection, so the uploads cost no extra round trip. The script makes used blobs permanent.
    /// </summary>
    private async Task<RedisResult[]> UploadThenRunAsync(List<(string Sha, byte[] Bytes)> uploads, Storage.LuaScript script, RedisKey[] keys, RedisValue[] args)
    {
        var sets = new Task[uploads.Count];
        for (var i = 0; i < uploads.Count; i++)
        {
            sets[i] = _db.StringSetAsync(_keys.Blob(uploads[i].Sha), uploads[i].Bytes, Chunks.PendingUploadLifetime, When.NotExists);
        }
        var result = _scripts.RunAsync(script, keys, args, afterSent: sets.Length > 0);
        await Task.WhenAll(sets);
        return await result;
    }

    /// <summary>A read or write of zero bytes: 0, or the errno the same call with bytes would give.</summary>
    private async Task<FsResult<int>> EmptyTransferAsync(ulong ino, CancellationToken cancellationToken)
    {
        var attributes = await GetAttrAsync(ino, cancellationToken);
        if (!attributes.IsOk)
        {
            return attributes.Error;
        }
        var error = ContentErrno(attributes.Value.Mode, attributes.Value.Content);
        return error == Errno.None ? FsResult<int>.Ok(0) : error;
    }

    private static Errno ContentErrno(uint mode, ContentState state) => FileModes.KindOf(mode) switch
    {
        FileKind.Directory => Errno.EISDIR,
        FileKind.Regular => state == ContentState.Stored ? Errno.None : Errno.EAGAIN,
        _ => Errno.EINVAL,
    };

    private async Task<ChunkRead> ReadChunksAsync(ulong ino, long first, long last)
    {
        var indexes = new RedisValue[last - first + 1];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = first + i;
        }
        var r = await _scripts.RunAsync(Scripts.ReadChunks, [_meta, _keys.Inode(ino), _keys.Chunks(ino)], indexes, readOnly: true);
        if (Status(r) != 0)
        {
            return new ChunkRead((Errno)Status(r), 0, first, [], []);
        }
        var error = ContentErrno((uint)(long)r[2], (ContentState)(long)r[3]);
        var shas = new string[indexes.Length];
        var data = new byte[indexes.Length][];
        var stale = false;
        var stored = new List<int>(indexes.Length);
        for (var i = 0; i < indexes.Length; i++)
        {
            shas[i] = (string)r[4 + i]!;
            data[i] = [];
            if (shas[i].Length > 0)
            {
                stored.Add(i);
            }
        }
        if (error == Errno.None && stored.Count > 0)
        {
            // Plain GETs, not through Lua. A blob freed since the script ran (its chunk was rewritten)
            // makes the read stale: the caller's compare-and-set would fail anyway, so it retries.
            var blobs = await _db.StringGetAsync(stored.Select(i => (RedisKey)_keys.Blob(shas[i])).ToArray());
            for (var j = 0; j < stored.Count; j++)
            {
                stale |= blobs[j].IsNull;
                data[stored[j]] = (byte[])blobs[j]! ?? [];
            }
        }
        return new ChunkRead(error, (long)r[1], first, shas, data, stale);
    }

    private readonly record struct ChunkRead(Errno Error, long Size, long First, string[] Shas, byte[][] Data, bool Stale = false);
}
