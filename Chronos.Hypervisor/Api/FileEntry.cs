using System.Globalization;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Hypervisor.Api;

/// <summary>What the world browser shows of one inode: ls -l's columns plus Chronos's own state.</summary>
public sealed record FileEntry
{
    public required string Name { get; init; }
    public required ulong Ino { get; init; }
    /// <summary>directory, file, symlink, fifo, socket, chardev, blockdev.</summary>
    public required string Kind { get; init; }
    /// <summary>Permission bits (with setuid/setgid/sticky) as four octal digits, e.g. "0755".</summary>
    public required string Mode { get; init; }
    public required uint Uid { get; init; }
    public required uint Gid { get; init; }
    public required long Size { get; init; }
    public required uint Nlink { get; init; }
    public required DateTimeOffset Mtime { get; init; }
    /// <summary>Regular files: stored, ghost (not generated yet) or lower (still the lower layer's bytes).</summary>
    public string? Content { get; init; }
    /// <summary>Directories whose entries are not decided yet; listing one never decides them.</summary>
    public bool? Lazy { get; init; }
    public string? Origin { get; init; }
    /// <summary>Symlinks: where they point (not followed).</summary>
    public string? Target { get; init; }

    public static FileEntry From(string name, InodeAttributes attributes, string? target = null) => new()
    {
        Name = name,
        Ino = attributes.Ino,
        Kind = KindName(attributes.Kind),
        Mode = Convert.ToString(attributes.Mode & FileModes.PermissionBits, 8).PadLeft(4, '0'),
        Uid = attributes.Uid,
        Gid = attributes.Gid,
        Size = attributes.Size,
        Nlink = attributes.Nlink,
        Mtime = DateTimeOffset.UnixEpoch.AddTicks(attributes.Mtime.ToUnixNanoseconds() / 100),
        Content = attributes.Kind == FileKind.Regular ? attributes.Content.ToString().ToLower(CultureInfo.InvariantCulture) : null,
        Lazy = attributes.Kind == FileKind.Directory ? attributes.IsLazyDirectory : null,
        Origin = attributes.Origin,
        Target = target,
    };

    public static string KindName(FileKind kind) => kind switch
    {
        FileKind.Directory => "directory",
        FileKind.Regular => "file",
        FileKind.Symlink => "symlink",
        FileKind.Fifo => "fifo",
        FileKind.Socket => "socket",
        FileKind.CharDevice => "chardev",
        FileKind.BlockDevice => "blockdev",
        _ => "unknown",
    };
}

/// <summary>GET /api/worlds/{world}/fs for a directory.</summary>
public sealed record DirectoryListing(string Path, FileEntry Directory, IReadOnlyList<FileEntry> Entries, bool Truncated);

/// <summary>GET /api/worlds/{world}/fs for anything else; content only when asked and stored.</summary>
public sealed record FileView(string Path, FileEntry File, string? ContentBase64, bool? ContentTruncated);
