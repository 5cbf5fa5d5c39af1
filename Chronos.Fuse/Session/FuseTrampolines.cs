using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Chronos.Fuse.Native;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.Session;

/// <summary>
/// The C entry points libfuse calls. Each one finds its session from the request's userdata,
/// decodes the arguments, starts the filesystem's operation and returns; no exception ever
/// crosses into C: anything thrown is answered with an errno (EIO unless it says otherwise).
/// </summary>
internal static class FuseTrampolines
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static unsafe void Fill(FuseLowLevelOps* ops)
    {
        ops->init = &Init;
        ops->destroy = &Destroy;
        ops->lookup = &Lookup;
        ops->forget = &Forget;
        ops->getattr = &GetAttr;
        ops->setattr = &SetAttr;
        ops->readlink = &ReadLink;
        ops->mknod = &Mknod;
        ops->mkdir = &Mkdir;
        ops->unlink = &Unlink;
        ops->rmdir = &Rmdir;
        ops->symlink = &Symlink;
        ops->rename = &Rename;
        ops->link = &Link;
        ops->open = &Open;
        ops->read = &Read;
        ops->write = &Write;
        ops->flush = &Flush;
        ops->release = &Release;
        ops->fsync = &Fsync;
        ops->opendir = &OpenDir;
        ops->readdir = &ReadDir;
        ops->releasedir = &ReleaseDir;
        ops->statfs = &StatFs;
        ops->setxattr = &SetXattr;
        ops->getxattr = &GetXattr;
        ops->listxattr = &ListXattr;
        ops->removexattr = &RemoveXattr;
        ops->access = &Access;
        ops->create = &Create;
        ops->forget_multi = &ForgetMulti;
        ops->readdirplus = &ReadDirPlus;
    }

    private static FuseRequest Begin(nint req) => new(FuseSession.FromUserData(LibFuse.fuse_req_userdata(req)), req);

    private static unsafe string Name(byte* name) =>
        StrictUtf8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));

    /// <summary>Completes the request when the operation finished synchronously, else watches it.</summary>
    private static void Run(FuseRequest request, ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            EnsureReplied(request);
            return;
        }
        _ = Watch(request, task);
    }

    private static async Task Watch(FuseRequest request, ValueTask task)
    {
        try
        {
            await task.ConfigureAwait(false);
            EnsureReplied(request);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    private static void EnsureReplied(FuseRequest request)
    {
        if (!request.HasReplied)
        {
            Log.NoReply(request.Session.Logger);
            request.ReplyError(Errno.EIO);
        }
    }

    private static void Fail(FuseRequest? request, Exception ex)
    {
        if (request is null)
        {
            return;
        }
        var errno = ex is DecoderFallbackException ? FuseErrors.EILSEQ : FuseErrors.ToErrno(ex);
        if (FuseErrors.IsInfrastructure(ex) || ex is DecoderFallbackException)
        {
            Log.OperationFailed(request.Session.Logger, errno, ex.Message);
        }
        else
        {
            Log.OperationBug(request.Session.Logger, ex);
        }
        if (!request.HasReplied)
        {
            request.ReplyError(errno);
        }
    }

    /// <summary>The shape of every trampoline: begin, start, and never let an exception escape.</summary>
    private static void Dispatch<TState>(nint req, TState state, Func<FuseRequest, TState, ValueTask> start)
    {
        FuseRequest? request = null;
        try
        {
            request = Begin(req);
            Run(request, start(request, state));
        }
        catch (Exception ex)
        {
            if (request is null)
            {
                // Not even the request object exists: answer directly so the caller is not left hanging.
                LibFuse.fuse_reply_err(req, (int)Errno.EIO);
                return;
            }
            Fail(request, ex);
        }
    }

    private static unsafe ulong? Fh(FuseFileInfo* fi) => fi == null ? null : fi->fh;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Init(nint userdata, FuseConnInfo* connection)
    {
        try
        {
            FuseSession.FromUserData(userdata).Operations.Init(ref *connection);
        }
        catch (Exception ex)
        {
            Log.OperationBug(FuseSession.FromUserData(userdata).Logger, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Destroy(nint userdata)
    {
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Lookup(nint req, ulong parent, byte* name) =>
        Dispatch(req, (parent, (nint)name), static (r, s) => r.Session.Operations.LookupAsync(r, s.parent, Name((byte*)s.Item2)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Forget(nint req, ulong ino, ulong nlookup)
    {
        try
        {
            FuseSession.FromUserData(LibFuse.fuse_req_userdata(req)).Operations.Forget(ino, nlookup);
        }
        catch (Exception ex)
        {
            Log.OperationBug(FuseSession.FromUserData(LibFuse.fuse_req_userdata(req)).Logger, ex);
        }
        LibFuse.fuse_reply_none(req);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ForgetMulti(nint req, nuint count, FuseForgetData* forgets)
    {
        try
        {
            var operations = FuseSession.FromUserData(LibFuse.fuse_req_userdata(req)).Operations;
            for (nuint i = 0; i < count; i++)
            {
                operations.Forget(forgets[i].ino, forgets[i].nlookup);
            }
        }
        catch (Exception ex)
        {
            Log.OperationBug(FuseSession.FromUserData(LibFuse.fuse_req_userdata(req)).Logger, ex);
        }
        LibFuse.fuse_reply_none(req);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void GetAttr(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, (ino, Fh(fi)), static (r, s) => r.Session.Operations.GetAttrAsync(r, s.ino, s.Item2));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void SetAttr(nint req, ulong ino, Stat* attr, int toSet, FuseFileInfo* fi) =>
        Dispatch(req, (ino, *attr, toSet, Fh(fi)), static (r, s) => r.Session.Operations.SetAttrAsync(r, s.ino, s.Item2, (FuseSetAttr)s.toSet, s.Item4));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ReadLink(nint req, ulong ino) =>
        Dispatch(req, ino, static (r, s) => r.Session.Operations.ReadLinkAsync(r, s));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Mknod(nint req, ulong parent, byte* name, uint mode, ulong rdev) =>
        Dispatch(req, (parent, (nint)name, mode, rdev), static (r, s) => r.Session.Operations.MknodAsync(r, s.parent, Name((byte*)s.Item2), s.mode, s.rdev));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Mkdir(nint req, ulong parent, byte* name, uint mode) =>
        Dispatch(req, (parent, (nint)name, mode), static (r, s) => r.Session.Operations.MkdirAsync(r, s.parent, Name((byte*)s.Item2), s.mode));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Unlink(nint req, ulong parent, byte* name) =>
        Dispatch(req, (parent, (nint)name), static (r, s) => r.Session.Operations.UnlinkAsync(r, s.parent, Name((byte*)s.Item2)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Rmdir(nint req, ulong parent, byte* name) =>
        Dispatch(req, (parent, (nint)name), static (r, s) => r.Session.Operations.RmdirAsync(r, s.parent, Name((byte*)s.Item2)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Symlink(nint req, byte* link, ulong parent, byte* name) =>
        Dispatch(req, ((nint)link, parent, (nint)name), static (r, s) => r.Session.Operations.SymlinkAsync(r, Name((byte*)s.Item1), s.parent, Name((byte*)s.Item3)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Rename(nint req, ulong parent, byte* name, ulong newParent, byte* newName, uint flags) =>
        Dispatch(req, (parent, (nint)name, newParent, (nint)newName, flags), static (r, s) =>
            r.Session.Operations.RenameAsync(r, s.parent, Name((byte*)s.Item2), s.newParent, Name((byte*)s.Item4), s.flags));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Link(nint req, ulong ino, ulong newParent, byte* newName) =>
        Dispatch(req, (ino, newParent, (nint)newName), static (r, s) => r.Session.Operations.LinkAsync(r, s.ino, s.newParent, Name((byte*)s.Item3)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Open(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, (ino, flags: fi->flags), static (r, s) => r.Session.Operations.OpenAsync(r, s.ino, s.flags));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Create(nint req, ulong parent, byte* name, uint mode, FuseFileInfo* fi) =>
        Dispatch(req, (parent, (nint)name, mode, flags: fi->flags), static (r, s) => r.Session.Operations.CreateAsync(r, s.parent, Name((byte*)s.Item2), s.mode, s.flags));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Read(nint req, ulong ino, nuint size, long off, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh, off, (int)size), static (r, s) => r.Session.Operations.ReadAsync(r, s.ino, s.fh, s.off, s.Item4));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Write(nint req, ulong ino, byte* buf, nuint size, long off, FuseFileInfo* fi)
    {
        FuseRequest? request = null;
        try
        {
            request = Begin(req);
            // The span is libfuse's buffer: the filesystem copies it before Write returns.
            Run(request, request.Session.Operations.Write(request, ino, fi->fh, off, new ReadOnlySpan<byte>(buf, checked((int)size))));
        }
        catch (Exception ex)
        {
            if (request is null)
            {
                LibFuse.fuse_reply_err(req, (int)Errno.EIO);
                return;
            }
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Flush(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh), static (r, s) => r.Session.Operations.FlushAsync(r, s.ino, s.fh));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Release(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh), static (r, s) => r.Session.Operations.ReleaseAsync(r, s.ino, s.fh));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Fsync(nint req, ulong ino, int datasync, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh, datasync != 0), static (r, s) => r.Session.Operations.FsyncAsync(r, s.ino, s.fh, s.Item3));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OpenDir(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, ino, static (r, s) => r.Session.Operations.OpenDirAsync(r, s));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ReadDir(nint req, ulong ino, nuint size, long off, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh, off, (int)size), static (r, s) => r.Session.Operations.ReadDirAsync(r, s.ino, s.fh, s.off, s.Item4, plus: false));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ReadDirPlus(nint req, ulong ino, nuint size, long off, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh, off, (int)size), static (r, s) => r.Session.Operations.ReadDirAsync(r, s.ino, s.fh, s.off, s.Item4, plus: true));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ReleaseDir(nint req, ulong ino, FuseFileInfo* fi) =>
        Dispatch(req, (ino, fh: fi->fh), static (r, s) => r.Session.Operations.ReleaseDirAsync(r, s.ino, s.fh));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void StatFs(nint req, ulong ino) =>
        Dispatch(req, ino, static (r, s) => r.Session.Operations.StatFsAsync(r, s));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void SetXattr(nint req, ulong ino, byte* name, byte* value, nuint size, int flags) =>
        Dispatch(req, (ino, (nint)name, new ReadOnlySpan<byte>(value, checked((int)size)).ToArray(), flags), static (r, s) =>
            r.Session.Operations.SetXattrAsync(r, s.ino, Name((byte*)s.Item2), s.Item3, s.flags));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void GetXattr(nint req, ulong ino, byte* name, nuint size) =>
        Dispatch(req, (ino, (nint)name, (int)size), static (r, s) => r.Session.Operations.GetXattrAsync(r, s.ino, Name((byte*)s.Item2), s.Item3));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void ListXattr(nint req, ulong ino, nuint size) =>
        Dispatch(req, (ino, (int)size), static (r, s) => r.Session.Operations.ListXattrAsync(r, s.ino, s.Item2));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void RemoveXattr(nint req, ulong ino, byte* name) =>
        Dispatch(req, (ino, (nint)name), static (r, s) => r.Session.Operations.RemoveXattrAsync(r, s.ino, Name((byte*)s.Item2)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Access(nint req, ulong ino, int mask) =>
        Dispatch(req, (ino, mask), static (r, s) => r.Session.Operations.AccessAsync(r, s.ino, s.mask));
}
