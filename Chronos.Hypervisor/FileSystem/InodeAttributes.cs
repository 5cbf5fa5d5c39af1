namespace Chronos.Hypervisor.FileSystem;

/// <summary>A point in time as the kernel keeps it: seconds and nanoseconds since the epoch.</summary>
public readonly record struct Timespec(long Seconds, long Nanoseconds)
{
    public static Timespec FromUnixNanoseconds(long ns) => new(Math.DivRem(ns, 1_000_000_000L, out var rem) - (rem < 0 ? 1 : 0), rem < 0 ? rem + 1_000_000_000L : rem);

    public long ToUnixNanoseconds() => checked(Seconds * 1_000_000_000L + Nanoseconds);

    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}

/// <summary>What a stat(2) of the inode shows. <see cref="Mode"/> carries the S_IFMT type bits.</summary>
public sealed record InodeAttributes
{
    public required ulong Ino { get; init; }
    /// <summary>st_mode: file type bits (S_IFREG, S_IFDIR, ...) and permission bits.</summary>
    public required uint Mode { get; init; }
    public required uint Nlink { get; init; }
    /// <summary>Persona-native owner (0 is the persona's root); the FUSE layer shifts to host ids.</summary>
    public required uint Uid { get; init; }
    public required uint Gid { get; init; }
    public required long Size { get; init; }
    /// <summary>st_blocks in 512-byte units, from the bytes really stored (sparse files are smaller).</summary>
    public required long Blocks { get; init; }
    /// <summary>Device number for S_IFCHR / S_IFBLK nodes (Linux new_encode_dev form), else 0.</summary>
    public ulong Rdev { get; init; }
    public required Timespec Atime { get; init; }
    public required Timespec Mtime { get; init; }
    public required Timespec Ctime { get; init; }
    /// <summary>Content not yet written: a ghost file (Persona generates it on first read) or a file still on the lower layer.</summary>
    public ContentState Content { get; init; }
    /// <summary>A directory whose entries are decided on first lookup or listing (lower layer or persona).</summary>
    public bool IsLazyDirectory { get; init; }
    /// <summary>Where Ghost/Lower content or lazy entries come from (<c>lower:&lt;path&gt;</c>, <c>persona:&lt;key&gt;</c>); null when stored.</summary>
    public string? Origin { get; init; }

    public FileKind Kind => FileModes.KindOf(Mode);
}

/// <summary>Where a regular file's bytes are.</summary>
public enum ContentState
{
    /// <summary>In the world's chunk store (or the file is empty / not a regular file).</summary>
    Stored = 0,
    /// <summary>Declared by the persona; content generated on first read, once.</summary>
    Ghost = 1,
    /// <summary>Still the lower layer's bytes; copied up on the first change.</summary>
    Lower = 2,
}
