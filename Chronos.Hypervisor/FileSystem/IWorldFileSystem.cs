namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// The filesystem verbs of one world, over inode numbers, as a FUSE low-level server needs them.
/// Inode 1 is the root. Every mutation is one atomic Lua script that also appends the audit event
/// naming <see cref="OpContext.SessionId"/>; reads never mutate (atime is not tracked on read,
/// as with a <c>noatime</c> mount).
///
/// Errors come back as <see cref="FsResult{T}"/> errnos, exactly as Linux would give them for
/// the same request (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, ENAMETOOLONG for a name
/// over 255 UTF-8 bytes, EXDEV, ENOSPC when the world's quota is reached). A name containing '/'
/// or NUL, or "." / "..", is rejected before Redis is touched. Permission checks are the kernel's
/// (<c>default_permissions</c>), not this layer's. An unreachable Redis throws
/// (RedisException / TimeoutException); the FUSE layer turns that into EIO.
///
/// Content that is not yet in the chunk store (<see cref="ContentState.Ghost"/>,
/// <see cref="ContentState.Lower"/>): <see cref="ReadAsync"/>, <see cref="WriteAsync"/> and a
/// size change by <see cref="SetAttrAsync"/> fail with EAGAIN; the caller materializes the bytes
/// (<see cref="CommitContentAsync"/>) and retries.
/// </summary>
public interface IWorldFileSystem
{
    /// <summary>The world's name (the Redis hash tag).</summary>
    string World { get; }

    /// <summary>Identifies this client's open handles, so a restarted mount can drop the handles a crash left behind.</summary>
    string ClientId { get; }

    ValueTask<FsResult<InodeAttributes>> LookupAsync(ulong parent, string name, CancellationToken cancellationToken = default);

    ValueTask<FsResult<InodeAttributes>> GetAttrAsync(ulong ino, CancellationToken cancellationToken = default);

    /// <summary>chmod, chown, truncate, utimens; ctime is set to now by every change, as Linux does.</summary>
    ValueTask<FsResult<InodeAttributes>> SetAttrAsync(ulong ino, SetAttrRequest request, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>Regular file, fifo, socket, char or block device (type bits in <paramref name="mode"/>); owner from the context; umask already applied by the caller.</summary>
    ValueTask<FsResult<InodeAttributes>> MknodAsync(ulong parent, string name, uint mode, ulong rdev, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<InodeAttributes>> MkdirAsync(ulong parent, string name, uint mode, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<InodeAttributes>> SymlinkAsync(ulong parent, string name, string target, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<string>> ReadLinkAsync(ulong ino, CancellationToken cancellationToken = default);

    /// <summary>Removes a non-directory entry. The inode lives on while it has links or open handles.</summary>
    ValueTask<FsResult<bool>> UnlinkAsync(ulong parent, string name, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<bool>> RmdirAsync(ulong parent, string name, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>rename(2)/renameat2(2): replaces a file or an empty directory, honours NOREPLACE and EXCHANGE, refuses to move a directory into its own subtree (EINVAL).</summary>
    ValueTask<FsResult<bool>> RenameAsync(ulong parent, string name, ulong newParent, string newName, RenameFlags flags, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>Hard link; EPERM for a directory.</summary>
    ValueTask<FsResult<InodeAttributes>> LinkAsync(ulong ino, ulong newParent, string newName, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of a directory. <paramref name="cookie"/> 0 starts at ".", and each entry's
    /// <see cref="DirectoryEntry.NextCookie"/> resumes after it. Cookies stay valid while the
    /// directory changes: an entry present for the whole listing is returned exactly once.
    /// </summary>
    ValueTask<FsResult<DirectoryPage>> ReadDirAsync(ulong ino, long cookie, int maxEntries, bool withAttributes, CancellationToken cancellationToken = default);

    ValueTask<FsResult<FileSystemStats>> StatFsAsync(CancellationToken cancellationToken = default);

    /// <summary>ENODATA when absent.</summary>
    ValueTask<FsResult<byte[]>> GetXattrAsync(ulong ino, string name, CancellationToken cancellationToken = default);

    ValueTask<FsResult<bool>> SetXattrAsync(ulong ino, string name, ReadOnlyMemory<byte> value, XattrFlags flags, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<IReadOnlyList<string>>> ListXattrAsync(ulong ino, CancellationToken cancellationToken = default);

    ValueTask<FsResult<bool>> RemoveXattrAsync(ulong ino, string name, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns the count (0 at or past EOF). Holes read as zeros.</summary>
    ValueTask<FsResult<int>> ReadAsync(ulong ino, long offset, Memory<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>Writes at any offset (a gap becomes a hole); rewrites only the chunks the range touches. Returns the bytes written.</summary>
    ValueTask<FsResult<int>> WriteAsync(ulong ino, long offset, ReadOnlyMemory<byte> data, OpContext context, CancellationToken cancellationToken = default);

    ValueTask<FsResult<bool>> FsyncAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>Registers an open handle: an unlinked inode with open handles stays readable and writable.</summary>
    ValueTask<FsResult<bool>> OpenAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>Drops a handle; the last handle of an unlinked inode frees it and its chunks.</summary>
    ValueTask<FsResult<bool>> ReleaseAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews this client's handle lease for <paramref name="length"/>: until it ends, an
    /// unlink or release by another client never frees an inode outright (it waits in limbo until
    /// the deadline and is freed then unless a handle was registered). A client that registers
    /// handles after open returns (a FUSE mount batching them) holds one, and registers every
    /// handle it opened under the lease before the lease ends.
    /// </summary>
    ValueTask<FsResult<bool>> LeaseHandlesAsync(TimeSpan length, CancellationToken cancellationToken = default);

    /// <summary>Drops every handle <see cref="ClientId"/> still holds (a mount that restarts after a crash).</summary>
    ValueTask<int> ReleaseAllHandlesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides a directory's entries once: adds each declared entry whose name is not present and
    /// clears the directory's lazy flag, atomically. When the directory is no longer lazy and
    /// <paramref name="onlyIfLazy"/> is true, does nothing and returns false (someone else won).
    /// </summary>
    ValueTask<FsResult<bool>> PopulateDirectoryAsync(ulong dir, IReadOnlyList<DeclaredEntry> entries, bool onlyIfLazy, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds each declared entry whose name is not present and leaves a lazy directory lazy, with
    /// its origin: when the origin populates it later, the entries added here shadow the origin's
    /// of the same name (a persona's /usr/lib/os-release over a lower layer's).
    /// </summary>
    ValueTask<FsResult<bool>> OverlayDirectoryAsync(ulong dir, IReadOnlyList<DeclaredEntry> entries, OpContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compare-and-set of a Ghost or Lower file's bytes into the chunk store. Size, mode, owner and
    /// times do not change (for a Ghost file the content must already be fitted to the declared
    /// size: EINVAL otherwise). Returns false when the file was already Stored (the first commit
    /// won; read it instead).
    /// </summary>
    ValueTask<FsResult<bool>> CommitContentAsync(ulong ino, ReadOnlyMemory<byte> content, OpContext context, CancellationToken cancellationToken = default);
}

/// <summary>Who is acting: the session for the audit, and the persona-native owner for new nodes.</summary>
public readonly record struct OpContext(string? SessionId, uint Uid, uint Gid)
{
    /// <summary>Chronos itself (seeding, population, generation), acting as the persona's root.</summary>
    public static OpContext System { get; } = new("system", 0, 0);

    /// <summary>
    /// When set, a verb that changes a directory's entries (mknod, mkdir, symlink, unlink, rmdir,
    /// link) tells it the directory's attributes as that change left them, before it returns.
    /// </summary>
    public IDirectoryObserver? Observer { get; init; }
}

/// <summary>
/// Receives a directory's attributes read by the script that changed its entries, in the same
/// atomic step: nothing else came between the change and the read. A FUSE mount uses them to
/// answer the kernel's next GETATTR of the directory without asking Redis again.
/// </summary>
public interface IDirectoryObserver
{
    /// <summary>Called once per changed directory, only when the verb succeeded.</summary>
    void DirectoryChanged(InodeAttributes directory);
}

public sealed record SetAttrRequest
{
    public uint? Mode { get; init; }
    public uint? Uid { get; init; }
    public uint? Gid { get; init; }
    public long? Size { get; init; }
    /// <summary>Explicit time, or <see cref="SetToNow"/> for UTIME_NOW.</summary>
    public Timespec? Atime { get; init; }
    public Timespec? Mtime { get; init; }
    public bool AtimeNow { get; init; }
    public bool MtimeNow { get; init; }
    public Timespec? Ctime { get; init; }
}

[Flags]
public enum RenameFlags : uint
{
    None = 0,
    NoReplace = 1,   // RENAME_NOREPLACE
    Exchange = 2,    // RENAME_EXCHANGE
    Whiteout = 4,    // RENAME_WHITEOUT: not supported (EINVAL), as on tmpfs before 6.x overlay use
}

[Flags]
public enum XattrFlags
{
    None = 0,
    Create = 1,   // XATTR_CREATE: EEXIST if present
    Replace = 2,  // XATTR_REPLACE: ENODATA if absent
}

public sealed record DirectoryEntry(string Name, ulong Ino, FileKind Kind, long NextCookie, InodeAttributes? Attributes);

public sealed record DirectoryPage(IReadOnlyList<DirectoryEntry> Entries, bool End);

public sealed record FileSystemStats(
    long BlockSize,
    long TotalBlocks,
    long FreeBlocks,
    long TotalInodes,
    long FreeInodes,
    int MaxNameLength);

/// <summary>An entry decided by seeding or by lazy population: full metadata now, content maybe later.</summary>
public sealed record DeclaredEntry
{
    public required string Name { get; init; }
    /// <summary>st_mode with type bits.</summary>
    public required uint Mode { get; init; }
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    /// <summary>Declared size of a regular file (for Ghost and Lower content the size the content will have).</summary>
    public long Size { get; init; }
    public ulong Rdev { get; init; }
    public required Timespec Mtime { get; init; }
    public Timespec? Atime { get; init; }
    public Timespec? Ctime { get; init; }
    /// <summary>Stored: <see cref="InlineContent"/> is the file (or empty). Ghost / Lower: bytes come later.</summary>
    public ContentState Content { get; init; }
    /// <summary>Bytes of a regular file stored at once (Content = Stored); Size must equal its length.</summary>
    public ReadOnlyMemory<byte> InlineContent { get; init; }
    /// <summary>Symlink target.</summary>
    public string? Target { get; init; }
    /// <summary>Directory whose own entries are decided later.</summary>
    public bool Lazy { get; init; }
    /// <summary>Where lazy content or entries come from: <c>lower:&lt;relative path&gt;</c> or <c>persona:&lt;key&gt;</c>.</summary>
    public string? Origin { get; init; }
}
