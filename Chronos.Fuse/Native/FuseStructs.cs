using System.Runtime.InteropServices;

namespace Chronos.Fuse.Native;

// Layouts are x86_64 Linux / glibc, checked against the headers with sizeof/offsetof
// (fuse_entry_param 176, struct stat 144, fuse_file_info 40, statvfs 112, fuse_conn_info 128).

/// <summary>struct timespec (time.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeTimespec
{
    public long tv_sec;
    public long tv_nsec;
}

/// <summary>struct stat (bits/struct_stat.h, x86_64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Stat
{
    public ulong st_dev;
    public ulong st_ino;
    public ulong st_nlink;
    public uint st_mode;
    public uint st_uid;
    public uint st_gid;
    public int __pad0;
    public ulong st_rdev;
    public long st_size;
    public long st_blksize;
    public long st_blocks;
    public NativeTimespec st_atim;
    public NativeTimespec st_mtim;
    public NativeTimespec st_ctim;
    public long __glibc_reserved0;
    public long __glibc_reserved1;
    public long __glibc_reserved2;
}

/// <summary>struct fuse_entry_param (fuse_lowlevel.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseEntryParam
{
    public ulong ino;
    public ulong generation;
    public Stat attr;
    public double attr_timeout;
    public double entry_timeout;
}

/// <summary>struct fuse_ctx (fuse_lowlevel.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseCtx
{
    public uint uid;
    public uint gid;
    public int pid;
    public uint umask;
}

/// <summary>struct fuse_forget_data (fuse_lowlevel.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseForgetData
{
    public ulong ino;
    public ulong nlookup;
}

/// <summary>
/// struct fuse_file_info (fuse_common.h). The C bitfields writepage … noflush share one
/// unsigned int, lowest bit first (GCC on x86_64), followed by 32 bits of padding.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFileInfo
{
    public int flags;
    public uint bits;
    public uint padding2;
    public ulong fh;
    public ulong lock_owner;
    public uint poll_events;

    public const uint WritePage = 1u << 0;
    public const uint DirectIo = 1u << 1;
    public const uint KeepCache = 1u << 2;
    public const uint Flush = 1u << 3;
    public const uint NonSeekable = 1u << 4;
    public const uint FlockRelease = 1u << 5;
    public const uint CacheReaddir = 1u << 6;
    public const uint NoFlush = 1u << 7;
}

/// <summary>struct statvfs (bits/statvfs.h, x86_64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatVfs
{
    public ulong f_bsize;
    public ulong f_frsize;
    public ulong f_blocks;
    public ulong f_bfree;
    public ulong f_bavail;
    public ulong f_files;
    public ulong f_ffree;
    public ulong f_favail;
    public ulong f_fsid;
    public ulong f_flag;
    public ulong f_namemax;
    public int __f_spare0;
    public int __f_spare1;
    public int __f_spare2;
    public int __f_spare3;
    public int __f_spare4;
    public int __f_spare5;
}

/// <summary>struct fuse_args (fuse_opt.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int argc;
    public byte** argv;
    public int allocated;
}

/// <summary>struct fuse_conn_info (fuse_common.h, libfuse 3.14), up to the fields Chronos sets; 22 reserved words follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseConnInfo
{
    public uint proto_major;
    public uint proto_minor;
    public uint max_write;
    public uint max_read;
    public uint max_readahead;
    public uint capable;
    public uint want;
    public uint max_background;
    public uint congestion_threshold;
    public uint time_gran;
}

/// <summary>FUSE_CAP_* (fuse_common.h).</summary>
internal static class FuseCapabilities
{
    public const uint FUSE_CAP_ASYNC_READ = 1u << 0;
    public const uint FUSE_CAP_ATOMIC_O_TRUNC = 1u << 3;
    public const uint FUSE_CAP_DONT_MASK = 1u << 6;
    public const uint FUSE_CAP_AUTO_INVAL_DATA = 1u << 12;
    public const uint FUSE_CAP_READDIRPLUS = 1u << 13;
    public const uint FUSE_CAP_READDIRPLUS_AUTO = 1u << 14;
    public const uint FUSE_CAP_WRITEBACK_CACHE = 1u << 16;
    public const uint FUSE_CAP_PARALLEL_DIROPS = 1u << 18;
    public const uint FUSE_CAP_HANDLE_KILLPRIV = 1u << 20;
    public const uint FUSE_CAP_CACHE_SYMLINKS = 1u << 23;
}

/// <summary>FUSE_SET_ATTR_* (fuse_lowlevel.h): which fields of a setattr request are valid.</summary>
[Flags]
internal enum FuseSetAttr
{
    FUSE_SET_ATTR_MODE = 1 << 0,
    FUSE_SET_ATTR_UID = 1 << 1,
    FUSE_SET_ATTR_GID = 1 << 2,
    FUSE_SET_ATTR_SIZE = 1 << 3,
    FUSE_SET_ATTR_ATIME = 1 << 4,
    FUSE_SET_ATTR_MTIME = 1 << 5,
    FUSE_SET_ATTR_ATIME_NOW = 1 << 7,
    FUSE_SET_ATTR_MTIME_NOW = 1 << 8,
    FUSE_SET_ATTR_CTIME = 1 << 10,
}
