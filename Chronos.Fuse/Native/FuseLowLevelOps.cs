using System.Runtime.InteropServices;

namespace Chronos.Fuse.Native;

/// <summary>
/// struct fuse_lowlevel_ops (fuse_lowlevel.h, FUSE_USE_VERSION 35): function pointers only, in the
/// header's order; fuse_session_new checks sizeof (352 bytes, 44 pointers). Operations Chronos
/// leaves NULL are typed <c>nint</c>; libfuse answers them with ENOSYS (or, for getlk/setlk and
/// flock, lets the kernel keep locks local to the mount).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowLevelOps
{
    public delegate* unmanaged[Cdecl]<nint, FuseConnInfo*, void> init;
    public delegate* unmanaged[Cdecl]<nint, void> destroy;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> lookup;
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, void> forget;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> getattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, Stat*, int, FuseFileInfo*, void> setattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, void> readlink;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, ulong, void> mknod;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, void> mkdir;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> unlink;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> rmdir;
    public delegate* unmanaged[Cdecl]<nint, byte*, ulong, byte*, void> symlink;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, ulong, byte*, uint, void> rename;
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, byte*, void> link;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> open;
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> read;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, long, FuseFileInfo*, void> write;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> flush;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> release;
    public delegate* unmanaged[Cdecl]<nint, ulong, int, FuseFileInfo*, void> fsync;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> opendir;
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> readdir;
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> releasedir;
    public delegate* unmanaged[Cdecl]<nint, ulong, int, FuseFileInfo*, void> fsyncdir;
    public delegate* unmanaged[Cdecl]<nint, ulong, void> statfs;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, byte*, nuint, int, void> setxattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, void> getxattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, void> listxattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> removexattr;
    public delegate* unmanaged[Cdecl]<nint, ulong, int, void> access;
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, FuseFileInfo*, void> create;
    public nint getlk;
    public nint setlk;
    public nint bmap;
    public nint ioctl;
    public nint poll;
    public nint write_buf;
    public nint retrieve_reply;
    public delegate* unmanaged[Cdecl]<nint, nuint, FuseForgetData*, void> forget_multi;
    public nint flock;
    public nint fallocate;
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> readdirplus;
    public nint copy_file_range;
    public nint lseek;
}
