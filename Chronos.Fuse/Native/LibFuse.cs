using System.Runtime.InteropServices;

namespace Chronos.Fuse.Native;

/// <summary>
/// libfuse3's low-level API (fuse_lowlevel.h, libfuse 3.14, Debian's libfuse3-3). The multi-threaded
/// loop is bound by its unambiguous FUSE_3.12 names: plain <c>fuse_session_loop_mt</c> has three
/// symbol versions with different arguments.
/// </summary>
internal static unsafe partial class LibFuse
{
    private const string Library = "libfuse3.so.3";

    [LibraryImport(Library)]
    public static partial nint fuse_session_new(FuseArgs* args, FuseLowLevelOps* op, nuint op_size, nint userdata);

    [LibraryImport(Library)]
    public static partial int fuse_session_mount(nint se, byte* mountpoint);

    [LibraryImport(Library)]
    public static partial int fuse_session_loop_mt_312(nint se, nint config);

    [LibraryImport(Library)]
    public static partial void fuse_session_exit(nint se);

    [LibraryImport(Library)]
    public static partial void fuse_session_unmount(nint se);

    [LibraryImport(Library)]
    public static partial void fuse_session_destroy(nint se);

    [LibraryImport(Library)]
    public static partial int fuse_session_fd(nint se);

    [LibraryImport(Library)]
    public static partial void fuse_opt_free_args(FuseArgs* args);

    [LibraryImport(Library)]
    public static partial nint fuse_loop_cfg_create();

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_destroy(nint config);

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_set_max_threads(nint config, uint value);

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_set_idle_threads(nint config, uint value);

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_set_clone_fd(nint config, uint value);

    [LibraryImport(Library)]
    public static partial nint fuse_req_userdata(nint req);

    [LibraryImport(Library)]
    public static partial FuseCtx* fuse_req_ctx(nint req);

    [LibraryImport(Library)]
    public static partial int fuse_reply_err(nint req, int err);

    [LibraryImport(Library)]
    public static partial void fuse_reply_none(nint req);

    [LibraryImport(Library)]
    public static partial int fuse_reply_entry(nint req, FuseEntryParam* e);

    [LibraryImport(Library)]
    public static partial int fuse_reply_create(nint req, FuseEntryParam* e, FuseFileInfo* fi);

    [LibraryImport(Library)]
    public static partial int fuse_reply_attr(nint req, Stat* attr, double attr_timeout);

    [LibraryImport(Library)]
    public static partial int fuse_reply_readlink(nint req, byte* link);

    [LibraryImport(Library)]
    public static partial int fuse_reply_open(nint req, FuseFileInfo* fi);

    [LibraryImport(Library)]
    public static partial int fuse_reply_write(nint req, nuint count);

    [LibraryImport(Library)]
    public static partial int fuse_reply_buf(nint req, byte* buf, nuint size);

    [LibraryImport(Library)]
    public static partial int fuse_reply_statfs(nint req, StatVfs* stbuf);

    [LibraryImport(Library)]
    public static partial int fuse_reply_xattr(nint req, nuint count);

    [LibraryImport(Library)]
    public static partial nuint fuse_add_direntry(nint req, byte* buf, nuint bufsize, byte* name, Stat* stbuf, long off);

    [LibraryImport(Library)]
    public static partial nuint fuse_add_direntry_plus(nint req, byte* buf, nuint bufsize, byte* name, FuseEntryParam* e, long off);

    [LibraryImport(Library)]
    public static partial int fuse_lowlevel_notify_inval_inode(nint se, ulong ino, long off, long len);

    [LibraryImport(Library)]
    public static partial int fuse_lowlevel_notify_inval_entry(nint se, ulong parent, byte* name, nuint namelen);
}
