using System.Buffers;
using System.Collections.Concurrent;
using Chronos.Fuse.Layers;
using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

// open, create, read, write, flush, release, fsync
internal sealed partial class WorldFuseFileSystem
{
    private static bool OpensForWriting(int flags) =>
        (flags & LibC.O_ACCMODE) != LibC.O_RDONLY || (flags & LibC.O_TRUNC) != 0;

    private static FuseFileInfo OpenReply(ulong fh, int flags) => new()
    {
        fh = fh,
        // Pages stay cached across opens: changes made here update them, changes made by other
        // mounts arrive as inval_inode notices (and AUTO_INVAL_DATA catches a changed mtime/size).
        // A read-only handle never buffers a byte nor records an error, so its FLUSH would do
        // nothing: FOPEN_NOFLUSH spares every close of a read (cat, an exec'd script) that trip.
        bits = FuseFileInfo.KeepCache | ((flags & LibC.O_ACCMODE) == LibC.O_RDONLY ? FuseFileInfo.NoFlush : 0),
    };

    public async ValueTask OpenAsync(FuseRequest request, ulong ino, int flags)
    {
        var node = _nodes.GetOrAdd(ino);
        var attributes = node.Attributes;
        // Stored is final; anything else (or unknown) is asked again: another mount may have
        // copied the file up or generated it since.
        if (attributes is null || attributes.Content != ContentState.Stored)
        {
            var fetched = await _world.GetAttrAsync(ino).ConfigureAwait(false);
            if (!fetched.IsOk)
            {
                request.ReplyError(fetched.Error);
                return;
            }
            attributes = fetched.Value;
            node.Attributes = attributes;
        }
        if (attributes.Content == ContentState.Ghost || (attributes.Content == ContentState.Lower && OpensForWriting(flags)))
        {
            // Readers of a Ghost file wait for its one generation; writers of a lower file copy it up first.
            attributes = await EnsureStoredAsync(attributes).ConfigureAwait(false);
        }
        // O_TRUNC never arrives here: atomic O_TRUNC is off (see Init), so the kernel truncates
        // with a SETATTR after this open, which also clears setuid/setgid as Linux does.
        var context = Context(request);
        await EnsureLeaseAsync().ConfigureAwait(false);
        var handle = new OpenFile((ulong)Interlocked.Increment(ref _nextFh), node, flags);
        if (attributes.Content == ContentState.Lower && _lower is not null)
        {
            handle.Lower = _lower.Layer.OpenFile(LowerOrigin.PathOf(attributes.Origin));
        }
        Register(handle, context);
        request.ReplyOpen(OpenReply(handle.Fh, flags));
    }

    /// <summary>
    /// How long a new handle lives only in this process before it is registered in Redis. Most
    /// files are closed within microseconds (touch, echo &gt; f, a compiler's outputs): their
    /// handles never cost a Redis call. Registration keeps an inode unlinked while open alive.
    /// This mount registers every pending handle before it sends an unlink, a rename or the
    /// release of another handle of the same inode; an unlink made by another mount (or the API)
    /// meanwhile is covered by this mount's handle lease (<see cref="EnsureLeaseAsync"/>).
    /// </summary>
    private static readonly TimeSpan RegistrationDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The handle lease asked of Redis. While it runs, an unlink or last release by another client
    /// does not free an inode outright: it waits in limbo until the deadline and is freed then
    /// unless a handle was registered. The price: space freed by another mount's unlink returns
    /// up to this much later while this mount is opening files.
    /// </summary>
    private static readonly TimeSpan HandleLease = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens rely on the lease only while this much of it is left, so that a handle opened under
    /// it is registered before it ends: 200 ms later normally, seconds later on a starved machine.
    /// </summary>
    private static readonly TimeSpan LeaseReserve = TimeSpan.FromSeconds(5);

    private readonly Lock _leaseGate = new();
    private Task? _leaseRenewal;
    private long _leaseUsableUntil;

    /// <summary>
    /// Makes sure this mount holds a handle lease before an open returns. The alternative, one
    /// registration round trip per open, would cost every open (and its release) a Redis call;
    /// the lease costs one call per <see cref="HandleLease"/> − <see cref="LeaseReserve"/> of
    /// opening, shared by all opens meanwhile, and nothing on the open path otherwise.
    /// </summary>
    private ValueTask EnsureLeaseAsync()
    {
        if (Environment.TickCount64 < Volatile.Read(ref _leaseUsableUntil))
        {
            return default;
        }
        Task renewal;
        lock (_leaseGate)
        {
            if (_leaseRenewal is null || _leaseRenewal.IsCompleted)
            {
                _leaseRenewal = RenewLeaseAsync();
            }
            renewal = _leaseRenewal;
        }
        return new ValueTask(renewal);
    }

    private async Task RenewLeaseAsync()
    {
        var sent = Environment.TickCount64;
        var result = await _world.LeaseHandlesAsync(HandleLease).ConfigureAwait(false);
        if (!result.IsOk)
        {
            throw new FuseErrnoException(result.Error, "renewing the handle lease");
        }
        // Redis starts the lease when it runs the script, after `sent`: counting from `sent` is safe.
        Volatile.Write(ref _leaseUsableUntil, sent + (long)(HandleLease - LeaseReserve).TotalMilliseconds);
    }

    private readonly ConcurrentQueue<(OpenFile Handle, OpContext Context)> _unregistered = new();
    private int _registrationScheduled;

    private void Register(OpenFile handle, OpContext context)
    {
        handle.Node.AddHandle(handle);
        _handles[handle.Fh] = handle;
        _unregistered.Enqueue((handle, context));
        if (Interlocked.Exchange(ref _registrationScheduled, 1) == 0)
        {
            _ = RegisterLaterAsync();
        }
    }

    private async Task RegisterLaterAsync()
    {
        await Task.Delay(RegistrationDelay).ConfigureAwait(false);
        Volatile.Write(ref _registrationScheduled, 0);
        try
        {
            await RegisterPendingAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (FuseErrors.IsInfrastructure(ex))
        {
            Log.OperationFailed(_logger, Errno.EIO, "registering open handles: " + ex.Message);
        }
        if (!_unregistered.IsEmpty && Interlocked.Exchange(ref _registrationScheduled, 1) == 0)
        {
            _ = RegisterLaterAsync();
        }
    }

    /// <summary>Sends every pending registration (handles already released are skipped) and waits for them.</summary>
    private async ValueTask RegisterPendingAsync()
    {
        List<(ulong Ino, Task<FsResult<bool>> Registration)>? sent = null;
        while (_unregistered.TryDequeue(out var pending))
        {
            var registration = pending.Handle.StartRegistration(() => _world.OpenAsync(pending.Handle.Node.Ino, pending.Context).AsTask());
            if (registration is not null)
            {
                (sent ??= []).Add((pending.Handle.Node.Ino, registration));
            }
        }
        if (sent is not null)
        {
            await Task.WhenAll(sent.Select(s => s.Registration)).ConfigureAwait(false);
            foreach (var (ino, registration) in sent.Where(s => !s.Registration.Result.IsOk))
            {
                Log.HandleRegisteredTooLate(_logger, ino, registration.Result.Error);
            }
        }
    }

    /// <summary>
    /// After the session stopped (unmount): no handle is registered any more, and registrations
    /// already sent are waited for, so that the release of every handle of this client that
    /// follows is the last word in Redis.
    /// </summary>
    internal async Task StopRegisteringAsync()
    {
        var sent = new List<Task<FsResult<bool>>>();
        foreach (var handle in _handles.Values)
        {
            if (handle.MarkReleased() is { } registration)
            {
                sent.Add(registration);
            }
        }
        _unregistered.Clear();
        try
        {
            await Task.WhenAll(sent).ConfigureAwait(false);
        }
        catch (Exception ex) when (FuseErrors.IsInfrastructure(ex))
        {
            // The release that follows covers whatever did reach Redis.
        }
    }

    /// <summary>Before a change that can free an inode: every handle open here must be known to Redis.</summary>
    private ValueTask BeforeUnlinkAsync() => _unregistered.IsEmpty ? default : RegisterPendingAsync();

    public async ValueTask CreateAsync(FuseRequest request, ulong parent, string name, uint mode, int flags)
    {
        if (NameTooLong(name))
        {
            request.ReplyError(Errno.ENAMETOOLONG);
            return;
        }
        mode = FileModes.S_IFREG | (mode & FileModes.PermissionBits);
        var change = ChangeOf(parent);
        var context = NewNodeContext(request, parent, ref mode, directory: false, change);
        // Before the node exists: a failure here must not leave a file the kernel was told is not there.
        await EnsureLeaseAsync().ConfigureAwait(false);
        _known.Begin(parent);
        var result = await ChangeNamesAsync(parent, _world.MknodAsync(parent, name, mode, 0, context)).ConfigureAwait(false);
        if (!result.IsOk)
        {
            request.ReplyError(result.Error);
            return;
        }
        _known.End(parent, name, removed: null);
        AttributesAfterChange(parent, change);
        var node = _nodes.Remember(result.Value);
        var handle = new OpenFile((ulong)Interlocked.Increment(ref _nextFh), node, flags);
        Register(handle, context);
        request.ReplyCreate(FuseAttributes.ToEntry(result.Value, _owners, _entryTimeout, _attrTimeout), OpenReply(handle.Fh, flags));
        _changes.EntryChanged(parent, name);
        _changes.InodeChanged(parent);
    }

    public async ValueTask ReadAsync(FuseRequest request, ulong ino, ulong fh, long offset, int size)
    {
        var handle = _handles.GetValueOrDefault(fh);
        var node = handle?.Node ?? _nodes.GetOrAdd(ino);
        if (node.HasDirtyHandles)
        {
            // POSIX: a read sees every write made before it, through any descriptor of this mount.
            var error = await WriteOutAsync(node, Context(request)).ConfigureAwait(false);
            if (error != Errno.None)
            {
                request.ReplyError(error);
                return;
            }
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            int count;
            if (handle?.Lower is { } lower && node.Attributes?.Content == ContentState.Lower)
            {
                count = lower.Read(offset, buffer.AsSpan(0, size));
            }
            else
            {
                var result = await _world.ReadAsync(ino, offset, buffer.AsMemory(0, size)).ConfigureAwait(false);
                if (result.Error == Errno.EAGAIN)
                {
                    result = await ReadUnstoredAsync(ino, offset, buffer.AsMemory(0, size)).ConfigureAwait(false);
                }
                if (!result.IsOk)
                {
                    request.ReplyError(result.Error);
                    return;
                }
                count = result.Value;
            }
            request.ReplyBuffer(buffer.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A read that found Ghost or Lower content: lower bytes come from the layer, Ghost bytes are generated first.</summary>
    private async ValueTask<FsResult<int>> ReadUnstoredAsync(ulong ino, long offset, Memory<byte> destination)
    {
        var fetched = await _world.GetAttrAsync(ino).ConfigureAwait(false);
        if (!fetched.IsOk)
        {
            return fetched.Error;
        }
        var attributes = fetched.Value;
        _nodes.Refresh(attributes);
        if (attributes.Content == ContentState.Lower && _lower is not null)
        {
            using var lower = _lower.Layer.OpenFile(LowerOrigin.PathOf(attributes.Origin));
            return FsResult<int>.Ok(lower.Read(offset, destination.Span));
        }
        await EnsureStoredAsync(attributes).ConfigureAwait(false);
        return await _world.ReadAsync(ino, offset, destination).ConfigureAwait(false);
    }

    public ValueTask Write(FuseRequest request, ulong ino, ulong fh, long offset, ReadOnlySpan<byte> data)
    {
        if (!_handles.TryGetValue(fh, out var handle))
        {
            request.ReplyError(Errno.EBADF);
            return default;
        }
        var earlier = handle.TakeError();
        if (earlier != Errno.None)
        {
            request.ReplyError(earlier);
            return default;
        }
        // Fast path: a sequential write lands in memory and is answered on this thread. Another
        // handle's buffered bytes are written out first so writes reach Redis in the order made.
        if (!OthersBuffered(handle) && handle.TryBuffer(offset, data))
        {
            request.ReplyWrite(data.Length);
            return default;
        }
        var copy = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(copy);
        return WriteSlowAsync(request, handle, offset, copy, data.Length);
    }

    private static bool OthersBuffered(OpenFile handle)
    {
        var dirty = handle.Node.HasDirtyHandles;
        return dirty && handle.Node.DirtyHandles().Any(h => h != handle);
    }

    private async ValueTask WriteSlowAsync(FuseRequest request, OpenFile handle, long offset, byte[] copy, int length)
    {
        try
        {
            var context = Context(request);
            var error = await WriteOutAsync(handle.Node, context).ConfigureAwait(false);
            if (error != Errno.None)
            {
                handle.TakeError();
                request.ReplyError(error);
                return;
            }
            if (handle.TryBuffer(offset, copy.AsSpan(0, length)))
            {
                request.ReplyWrite(length);
                return;
            }
            FsResult<int> result;
            await handle.Node.WriteOut.WaitAsync().ConfigureAwait(false);
            try
            {
                result = await WriteStoredAsync(handle.Node.Ino, offset, copy.AsMemory(0, length), context).ConfigureAwait(false);
            }
            finally
            {
                handle.Node.WriteOut.Release();
            }
            if (!result.IsOk)
            {
                request.ReplyError(result.Error);
                return;
            }
            handle.Modified = true;
            request.ReplyWrite(result.Value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>A Hypervisor write; content not yet stored (EAGAIN) is materialized and the write retried.</summary>
    private async ValueTask<FsResult<int>> WriteStoredAsync(ulong ino, long offset, ReadOnlyMemory<byte> data, OpContext context)
    {
        var result = await _world.WriteAsync(ino, offset, data, context).ConfigureAwait(false);
        if (result.Error != Errno.EAGAIN)
        {
            return result;
        }
        var fetched = await _world.GetAttrAsync(ino).ConfigureAwait(false);
        if (!fetched.IsOk)
        {
            return fetched.Error;
        }
        await EnsureStoredAsync(fetched.Value).ConfigureAwait(false);
        return await _world.WriteAsync(ino, offset, data, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes every buffer of <paramref name="node"/>'s handles to the Hypervisor, one at a time
    /// and in order. A failure is remembered by the handle that owned the bytes (its close will
    /// report it) and returned to the caller.
    /// </summary>
    private async ValueTask<Errno> WriteOutAsync(Node node, OpContext context)
    {
        if (!node.HasDirtyHandles)
        {
            return Errno.None;
        }
        await node.WriteOut.WaitAsync().ConfigureAwait(false);
        try
        {
            var first = Errno.None;
            foreach (var handle in node.DirtyHandles())
            {
                if (handle.TakeBuffer() is not { } taken)
                {
                    continue;
                }
                try
                {
                    var result = await WriteStoredAsync(node.Ino, taken.Offset, taken.Buffer.AsMemory(0, taken.Length), context).ConfigureAwait(false);
                    var error = !result.IsOk ? result.Error : result.Value != taken.Length ? Errno.EIO : Errno.None;
                    if (error != Errno.None)
                    {
                        Log.WriteBehindFailed(_logger, node.Ino, error);
                        handle.RecordError(error);
                        first = first == Errno.None ? error : first;
                    }
                }
                catch (Exception ex)
                {
                    handle.RecordError(FuseErrors.ToErrno(ex));
                    throw;
                }
                finally
                {
                    OpenFile.ReturnBuffer(taken.Buffer);
                }
            }
            return first;
        }
        finally
        {
            node.WriteOut.Release();
        }
    }

    public async ValueTask FlushAsync(FuseRequest request, ulong ino, ulong fh)
    {
        if (!_handles.TryGetValue(fh, out var handle))
        {
            request.ReplyError(Errno.None);
            return;
        }
        var error = await WriteOutAsync(handle.Node, Context(request)).ConfigureAwait(false);
        var earlier = handle.TakeError();
        if (handle.Modified)
        {
            handle.Modified = false;
            _changes.InodeChanged(ino);
        }
        request.ReplyError(error != Errno.None ? error : earlier);
    }

    public async ValueTask FsyncAsync(FuseRequest request, ulong ino, ulong fh, bool dataOnly)
    {
        var context = Context(request);
        var node = _handles.GetValueOrDefault(fh)?.Node ?? _nodes.GetOrAdd(ino);
        var error = await WriteOutAsync(node, context).ConfigureAwait(false);
        if (error != Errno.None)
        {
            request.ReplyError(error);
            return;
        }
        var result = await _world.FsyncAsync(ino, context).ConfigureAwait(false);
        request.ReplyError(result.IsOk ? Errno.None : result.Error);
    }

    public async ValueTask ReleaseAsync(FuseRequest request, ulong ino, ulong fh)
    {
        if (!_handles.TryRemove(fh, out var handle))
        {
            request.ReplyError(Errno.None);
            return;
        }
        var context = Context(request);
        try
        {
            // close(2) has returned already (release is asynchronous): errors can only be logged.
            await WriteOutAsync(handle.Node, context).ConfigureAwait(false);
            if (handle.Modified)
            {
                _changes.InodeChanged(ino);
            }
            if (handle.MarkReleased() is { } registration)
            {
                await registration.ConfigureAwait(false);
                // Other handles of this inode opened here must be known to Redis before this
                // release can free it: this mount's own lease does not hold inodes back.
                if (handle.Node.HandleCount > 1)
                {
                    await BeforeUnlinkAsync().ConfigureAwait(false);
                }
                var released = await _world.ReleaseAsync(ino, context).ConfigureAwait(false);
                request.ReplyError(released.IsOk ? Errno.None : released.Error);
            }
            else
            {
                // Never registered in Redis: nothing to release there.
                request.ReplyError(Errno.None);
            }
        }
        finally
        {
            handle.Node.RemoveHandle(handle);
            handle.Dispose();
            _nodes.DropIfUnused(handle.Node);
        }
    }
}
