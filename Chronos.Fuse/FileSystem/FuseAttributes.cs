using Chronos.Fuse.Native;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

/// <summary>Hypervisor attributes → the kernel's struct stat and fuse_entry_param.</summary>
internal static class FuseAttributes
{
    /// <summary>st_blksize: what cp/dd use as their buffer; 128 KiB keeps FUSE requests large.</summary>
    private const long PreferredBlockSize = 128 * 1024;

    public static Stat ToStat(InodeAttributes attributes, OwnerMap owners) => new()
    {
        st_ino = attributes.Ino,
        st_mode = attributes.Mode,
        st_nlink = attributes.Nlink,
        st_uid = owners.ToHost(attributes.Uid),
        st_gid = owners.ToHost(attributes.Gid),
        st_rdev = attributes.Rdev,
        st_size = attributes.Size,
        st_blocks = attributes.Blocks,
        st_blksize = PreferredBlockSize,
        st_atim = ToNative(attributes.Atime),
        st_mtim = ToNative(attributes.Mtime),
        st_ctim = ToNative(attributes.Ctime),
    };

    public static FuseEntryParam ToEntry(InodeAttributes attributes, OwnerMap owners, double entryTimeout, double attrTimeout) => new()
    {
        ino = attributes.Ino,
        // Inode numbers are never reused by the Hypervisor, so one generation suffices.
        generation = 1,
        attr = ToStat(attributes, owners),
        attr_timeout = attrTimeout,
        entry_timeout = entryTimeout,
    };

    /// <summary>A negative entry: the kernel remembers "no such name" for <paramref name="timeout"/>.</summary>
    public static FuseEntryParam Negative(double timeout) => new() { ino = 0, entry_timeout = timeout };

    public static NativeTimespec ToNative(Timespec t) => new() { tv_sec = t.Seconds, tv_nsec = t.Nanoseconds };

    public static Timespec FromNative(NativeTimespec t) => new(t.tv_sec, t.tv_nsec);
}
