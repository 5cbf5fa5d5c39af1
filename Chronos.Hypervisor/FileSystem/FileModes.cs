namespace Chronos.Hypervisor.FileSystem;

public enum FileKind
{
    Unknown = 0,
    Fifo = 1,
    CharDevice = 2,
    Directory = 4,
    BlockDevice = 6,
    Regular = 8,
    Symlink = 10,
    Socket = 12,
}

/// <summary>The S_IF* bits of sys/stat.h. FileKind values equal the DT_* constants (mode &gt;&gt; 12).</summary>
public static class FileModes
{
    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;
    public const uint S_ISUID = 0x800;
    public const uint S_ISGID = 0x400;
    public const uint S_ISVTX = 0x200;
    public const uint PermissionBits = 0xFFF;

    public static FileKind KindOf(uint mode) => (FileKind)((mode & S_IFMT) >> 12);
}
