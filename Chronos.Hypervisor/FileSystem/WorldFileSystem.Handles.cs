using Chronos.Hypervisor.Storage;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// Open handles, counted per (client, inode) so that a crashed mount's handles can be dropped by
/// the same client id when it restarts, and an unlinked inode lives exactly as long as it is open.
/// </summary>
internal sealed partial class WorldFileSystem
{
    public async ValueTask<FsResult<bool>> OpenAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default)
    {
        var r = await _scripts.RunAsync(
            Scripts.Handle,
            [_meta, _usage, _audit, _keys.Inode(ino), _handles, _clientHandles],
            [Session(context), ino, "open", ClientId]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }

    public async ValueTask<FsResult<bool>> ReleaseAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default)
    {
        var r = await _scripts.RunAsync(
            Scripts.Handle,
            [_meta, _usage, _audit, _keys.Inode(ino), _handles, _clientHandles],
            [Session(context), ino, "release", ClientId]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }

    public async ValueTask<FsResult<bool>> LeaseHandlesAsync(TimeSpan length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(length, TimeSpan.Zero);
        var r = await _scripts.RunAsync(
            Scripts.Handle,
            [_meta, _usage, _audit, _keys.Inode(1), _handles, _clientHandles],
            [OpContext.System.SessionId, 0, "lease", ClientId, (long)length.TotalMilliseconds]);
        return Status(r) == 0 ? true : (Errno)Status(r);
    }

    public async ValueTask<int> ReleaseAllHandlesAsync(CancellationToken cancellationToken = default)
    {
        var r = await _scripts.RunAsync(
            Scripts.ReleaseAll,
            [_meta, _usage, _audit, _handles, _clientHandles],
            [OpContext.System.SessionId, ClientId]);
        return (int)(long)r[1];
    }
}
