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
        var first = offset / Chunks.Size;
        var last = (offset + destination.Length - 1) / Chunks.Size;
        var chunk = await ReadChunksAsync(ino, first, last);
        if (chunk.Error != Errno.None)
        {
            return chunk.Error;
        }
        var available = (int)Math.Clamp(chunk.Size - offset, 0, destination.Length);
        var span = destination.Span[..available];
        span.Clear();
        for (var i = first; i <= last; i++)
        {
            var data = chunk.Data[(int)(i - first)];
            var chunkStart = i * Chunks.Size;
            var from = Math.Max(offset, chunkStart);
            var to = Math.Min(offset + available, chunkStart + data.Length);
            if (to > from)
            {
                data.AsSpan((int)(from - chunkStart), (int)(to - from)).CopyTo(span[(int)(from - offset)..]);
            }
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
            var args = new RedisValue[6 + 4 * (int)(last - first + 1)];
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
                args[a++] = i;
                args[a++] = expected;
                args[a++] = Chunks.Hash(bytes);
                args[a++] = bytes;
            }
            var r = await _scripts.RunAsync(Scripts.Write, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], args);
            var status = Status(r);
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
                var bytes = old.Data[0].Length > keep ? old.Data[0].AsSpan(0, keep).ToArray() : old.Data[0];
                args.Add(1);
                args.Add(tail);
                args.Add(old.Shas[0]);
                args.Add(bytes.Length == 0 ? "" : old.Data[0].Length > keep ? Chunks.Hash(bytes) : old.Shas[0]);
                args.Add(bytes);
            }
            else
            {
                args.Add(0);
            }
            var r = await _scripts.RunAsync(Scripts.SetAttr, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], [.. args]);
            var status = Status(r);
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
        var args = new List<RedisValue> { Session(context), ino, content.Length, 0 };
        var count = AddChunks(args, content);
        args[3] = count;
        var r = await _scripts.RunAsync(Scripts.Commit, [_meta, _usage, _audit, _keys.Inode(ino), _keys.Chunks(ino)], [.. args]);
        return Status(r) == 0 ? (long)r[1] == 1 : (Errno)Status(r);
    }

    /// <summary>Appends {index, '*', sha, data} groups for the non-empty chunks of content; returns their number.</summary>
    private static int AddChunks(List<RedisValue> args, ReadOnlyMemory<byte> content, bool withExpected = true)
    {
        var count = 0;
        for (var start = 0; start < content.Length; start += Chunks.Size)
        {
            var bytes = content.Slice(start, Math.Min(Chunks.Size, content.Length - start)).ToArray();
            args.Add(start / Chunks.Size);
            if (withExpected)
            {
                args.Add("*");
            }
            args.Add(Chunks.Hash(bytes));
            args.Add(bytes);
            count++;
        }
        return count;
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
        for (var i = 0; i < indexes.Length; i++)
        {
            shas[i] = (string)r[4 + 2 * i]!;
            data[i] = (byte[])r[5 + 2 * i]! ?? [];
        }
        return new ChunkRead(error, (long)r[1], first, shas, data);
    }

    private readonly record struct ChunkRead(Errno Error, long Size, long First, string[] Shas, byte[][] Data);
}
