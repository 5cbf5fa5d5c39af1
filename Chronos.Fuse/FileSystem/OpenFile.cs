using System.Buffers;
using Chronos.Fuse.Layers;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// One open file handle (fh). Sequential writes are coalesced here, in one buffer of up to
/// <see cref="BufferLimit"/> bytes, and written to the Hypervisor in one call when the buffer is
/// full, when a write is not contiguous, and at flush, fsync and release (the durability points
/// POSIX and NFS close-to-open promise). A failed write-out is remembered and reported by the
/// handle's next write, flush or fsync, as close(2) reports a failed NFS write-behind.
/// </summary>
internal sealed class OpenFile(ulong fh, Node node, int flags) : IDisposable
{
    /// <summary>1 MiB: the kernel's max_write, so a large write(2) is never split further and one Hypervisor write carries it.</summary>
    public const int BufferLimit = 1 << 20;

    private readonly Lock _gate = new();
    private byte[]? _buffer;
    private long _offset;
    private int _length;
    private Errno _error;

    public ulong Fh { get; } = fh;

    public Node Node { get; } = node;

    public int Flags { get; } = flags;

    private Task<FsResult<bool>>? _registration;
    private bool _released;

    /// <summary>Sends the Redis registration (OpenAsync) unless the handle was released first; null when not sent.</summary>
    public Task<FsResult<bool>>? StartRegistration(Func<Task<FsResult<bool>>> register)
    {
        lock (_gate)
        {
            if (_released || _registration is not null)
            {
                return null;
            }
            _registration = register();
            return _registration;
        }
    }

    /// <summary>Marks the handle released; returns its registration when one was sent (Redis must then be told).</summary>
    public Task<FsResult<bool>>? MarkReleased()
    {
        lock (_gate)
        {
            _released = true;
            return _registration;
        }
    }

    /// <summary>The lower file, open read-only, while the inode's content is still the lower layer's.</summary>
    public LowerFile? Lower { get; set; }

    /// <summary>Set when bytes were written through this handle since the last change notice to other mounts.</summary>
    public bool Modified { get; set; }

    public bool HasBufferedData => Volatile.Read(ref _length) > 0;

    /// <summary>Appends to the buffer when <paramref name="data"/> continues it (or starts it) and fits; false otherwise.</summary>
    public bool TryBuffer(long offset, ReadOnlySpan<byte> data)
    {
        if (data.Length >= BufferLimit)
        {
            return false;
        }
        lock (_gate)
        {
            if (_length == 0)
            {
                _buffer ??= ArrayPool<byte>.Shared.Rent(BufferLimit);
                _offset = offset;
            }
            else if (offset != _offset + _length || _length + data.Length > BufferLimit)
            {
                return false;
            }
            data.CopyTo(_buffer.AsSpan(_length));
            Volatile.Write(ref _length, _length + data.Length);
            Modified = true;
            return true;
        }
    }

    /// <summary>Takes the buffered bytes out; the caller writes them and returns the array with <see cref="ReturnBuffer"/>.</summary>
    public (byte[] Buffer, long Offset, int Length)? TakeBuffer()
    {
        lock (_gate)
        {
            if (_length == 0 || _buffer is null)
            {
                return null;
            }
            var taken = (_buffer, _offset, _length);
            _buffer = null;
            Volatile.Write(ref _length, 0);
            return taken;
        }
    }

    public static void ReturnBuffer(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    public void RecordError(Errno error)
    {
        lock (_gate)
        {
            if (_error == Errno.None)
            {
                _error = error;
            }
        }
    }

    /// <summary>The remembered write-out failure, reported once.</summary>
    public Errno TakeError()
    {
        lock (_gate)
        {
            var error = _error;
            _error = Errno.None;
            return error;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                _length = 0;
            }
        }
        Lower?.Dispose();
        Lower = null;
    }
}
