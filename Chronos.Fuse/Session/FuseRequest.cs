using System.Text;
using Chronos.Fuse.Native;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.Session;

/// <summary>
/// One request from the kernel, answered exactly once, from any thread, possibly long after the
/// libfuse callback returned (libfuse allows asynchronous replies). A second reply is a bug in
/// the filesystem; it is logged and dropped instead of handing libfuse a freed request.
/// </summary>
internal sealed unsafe class FuseRequest
{
    private readonly nint _req;
    private int _replied;

    public FuseRequest(FuseSession session, nint req)
    {
        Session = session;
        _req = req;
        var ctx = LibFuse.fuse_req_ctx(req);
        Uid = ctx->uid;
        Gid = ctx->gid;
        Pid = ctx->pid;
        Umask = ctx->umask;
        session.RequestStarted();
    }

    public FuseSession Session { get; }

    /// <summary>The caller's host uid, gid, thread id and umask (fuse_req_ctx).</summary>
    public uint Uid { get; }

    public uint Gid { get; }

    public int Pid { get; }

    public uint Umask { get; }

    public bool HasReplied => Volatile.Read(ref _replied) != 0;

    private bool Claim()
    {
        if (Interlocked.Exchange(ref _replied, 1) != 0)
        {
            Log.DuplicateReply(Session.Logger, Environment.StackTrace);
            return false;
        }
        return true;
    }

    private void Done(int result)
    {
        if (result < 0)
        {
            // -ENOENT means the request was interrupted and the kernel no longer waits: harmless.
            Log.ReplyFailed(Session.Logger, -result);
        }
        Session.RequestFinished();
    }

    public void ReplyError(Errno error)
    {
        if (Claim())
        {
            Done(LibFuse.fuse_reply_err(_req, (int)error));
        }
    }

    public void ReplyNone()
    {
        if (Claim())
        {
            LibFuse.fuse_reply_none(_req);
            Session.RequestFinished();
        }
    }

    public void ReplyEntry(in FuseEntryParam entry)
    {
        if (Claim())
        {
            fixed (FuseEntryParam* e = &entry)
            {
                Done(LibFuse.fuse_reply_entry(_req, e));
            }
        }
    }

    public void ReplyCreate(in FuseEntryParam entry, in FuseFileInfo info)
    {
        if (Claim())
        {
            fixed (FuseEntryParam* e = &entry)
            fixed (FuseFileInfo* fi = &info)
            {
                Done(LibFuse.fuse_reply_create(_req, e, fi));
            }
        }
    }

    public void ReplyAttr(in Stat attr, double timeout)
    {
        if (Claim())
        {
            fixed (Stat* s = &attr)
            {
                Done(LibFuse.fuse_reply_attr(_req, s, timeout));
            }
        }
    }

    public void ReplyReadLink(string target)
    {
        if (Claim())
        {
            var bytes = Encoding.UTF8.GetBytes(target + "\0");
            fixed (byte* p = bytes)
            {
                Done(LibFuse.fuse_reply_readlink(_req, p));
            }
        }
    }

    public void ReplyOpen(in FuseFileInfo info)
    {
        if (Claim())
        {
            fixed (FuseFileInfo* fi = &info)
            {
                Done(LibFuse.fuse_reply_open(_req, fi));
            }
        }
    }

    public void ReplyWrite(int count)
    {
        if (Claim())
        {
            Done(LibFuse.fuse_reply_write(_req, (nuint)count));
        }
    }

    public void ReplyBuffer(ReadOnlySpan<byte> data)
    {
        if (Claim())
        {
            fixed (byte* p = data)
            {
                Done(LibFuse.fuse_reply_buf(_req, p, (nuint)data.Length));
            }
        }
    }

    public void ReplyStatFs(in StatVfs stats)
    {
        if (Claim())
        {
            fixed (StatVfs* s = &stats)
            {
                Done(LibFuse.fuse_reply_statfs(_req, s));
            }
        }
    }

    public void ReplyXattrSize(int size)
    {
        if (Claim())
        {
            Done(LibFuse.fuse_reply_xattr(_req, (nuint)size));
        }
    }

    /// <summary>
    /// Appends one readdirplus entry to <paramref name="buffer"/> at <paramref name="used"/>;
    /// false when it does not fit (the entry is then not sent and its lookup is not counted).
    /// </summary>
    public bool TryAddDirectoryEntryPlus(Span<byte> buffer, ref int used, ReadOnlySpan<byte> nameZ, in FuseEntryParam entry, long nextOffset)
    {
        fixed (byte* b = buffer)
        fixed (byte* n = nameZ)
        fixed (FuseEntryParam* e = &entry)
        {
            var needed = (int)LibFuse.fuse_add_direntry_plus(_req, b + used, (nuint)(buffer.Length - used), n, e, nextOffset);
            if (needed > buffer.Length - used)
            {
                return false;
            }
            used += needed;
            return true;
        }
    }

    /// <summary>Plain readdir entry (only st_ino and the type bits of st_mode are used).</summary>
    public bool TryAddDirectoryEntry(Span<byte> buffer, ref int used, ReadOnlySpan<byte> nameZ, in Stat stat, long nextOffset)
    {
        fixed (byte* b = buffer)
        fixed (byte* n = nameZ)
        fixed (Stat* s = &stat)
        {
            var needed = (int)LibFuse.fuse_add_direntry(_req, b + used, (nuint)(buffer.Length - used), n, s, nextOffset);
            if (needed > buffer.Length - used)
            {
                return false;
            }
            used += needed;
            return true;
        }
    }
}
