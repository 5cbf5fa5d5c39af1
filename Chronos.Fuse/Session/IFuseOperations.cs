using Chronos.Fuse.Native;

namespace Chronos.Fuse.Session;

/// <summary>
/// What the session engine calls for each kernel request. Every method answers its
/// <see cref="FuseRequest"/> exactly once, before the returned task completes; it must not block
/// the calling libfuse thread (start the Redis call and return). An exception, thrown or from the
/// task, is answered by the engine with the errno <see cref="FuseErrors"/> gives it (EIO for
/// infrastructure failures). Names arrive decoded as UTF-8.
/// </summary>
internal interface IFuseOperations
{
    /// <summary>FUSE_INIT: negotiate capabilities (called once, on a libfuse thread, before any request).</summary>
    void Init(ref FuseConnInfo connection);

    ValueTask LookupAsync(FuseRequest request, ulong parent, string name);

    /// <summary>Drops <paramref name="lookups"/> from the node's lookup count (no reply).</summary>
    void Forget(ulong ino, ulong lookups);

    ValueTask GetAttrAsync(FuseRequest request, ulong ino, ulong? fh);

    ValueTask SetAttrAsync(FuseRequest request, ulong ino, in Stat attr, FuseSetAttr valid, ulong? fh);

    ValueTask ReadLinkAsync(FuseRequest request, ulong ino);

    ValueTask MknodAsync(FuseRequest request, ulong parent, string name, uint mode, ulong rdev);

    ValueTask MkdirAsync(FuseRequest request, ulong parent, string name, uint mode);

    ValueTask UnlinkAsync(FuseRequest request, ulong parent, string name);

    ValueTask RmdirAsync(FuseRequest request, ulong parent, string name);

    ValueTask SymlinkAsync(FuseRequest request, string target, ulong parent, string name);

    ValueTask RenameAsync(FuseRequest request, ulong parent, string name, ulong newParent, string newName, uint flags);

    ValueTask LinkAsync(FuseRequest request, ulong ino, ulong newParent, string newName);

    ValueTask OpenAsync(FuseRequest request, ulong ino, int flags);

    ValueTask CreateAsync(FuseRequest request, ulong parent, string name, uint mode, int flags);

    ValueTask ReadAsync(FuseRequest request, ulong ino, ulong fh, long offset, int size);

    /// <summary><paramref name="data"/> is libfuse's buffer: valid only until this method returns, so copy it before any await.</summary>
    ValueTask Write(FuseRequest request, ulong ino, ulong fh, long offset, ReadOnlySpan<byte> data);

    ValueTask FlushAsync(FuseRequest request, ulong ino, ulong fh);

    ValueTask ReleaseAsync(FuseRequest request, ulong ino, ulong fh);

    ValueTask FsyncAsync(FuseRequest request, ulong ino, ulong fh, bool dataOnly);

    ValueTask OpenDirAsync(FuseRequest request, ulong ino);

    ValueTask ReadDirAsync(FuseRequest request, ulong ino, ulong fh, long offset, int size, bool plus);

    ValueTask ReleaseDirAsync(FuseRequest request, ulong ino, ulong fh);

    ValueTask StatFsAsync(FuseRequest request, ulong ino);

    ValueTask SetXattrAsync(FuseRequest request, ulong ino, string name, byte[] value, int flags);

    ValueTask GetXattrAsync(FuseRequest request, ulong ino, string name, int size);

    ValueTask ListXattrAsync(FuseRequest request, ulong ino, int size);

    ValueTask RemoveXattrAsync(FuseRequest request, ulong ino, string name);

    ValueTask AccessAsync(FuseRequest request, ulong ino, int mask);
}
