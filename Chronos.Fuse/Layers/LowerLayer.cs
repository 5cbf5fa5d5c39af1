using System.Runtime.InteropServices;
using System.Text;
using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.Layers;

/// <summary>
/// A read-only host directory that a world is layered on. Every path is opened relative to the
/// layer's root descriptor with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and O_NOFOLLOW, so
/// no name stored in a world (they come from Redis) can reach outside the layer or through a
/// symlink; symlinks of the layer become symlinks of the world and are never followed here. Files
/// are only ever opened O_RDONLY: nothing in Chronos can write the layer.
/// </summary>
internal sealed unsafe class LowerLayer : IDisposable
{
    private readonly int _root;
    private readonly HashSet<string>? _include;

    public LowerLayer(string directory, IReadOnlyCollection<string>? include)
    {
        Directory = Path.GetFullPath(directory);
        _root = Open(LibC.AT_FDCWD, Directory, LibC.O_RDONLY | LibC.O_DIRECTORY, resolve: 0);
        if (_root < 0)
        {
            throw new DirectoryNotFoundException($"lower directory {Directory} cannot be opened (errno {-_root})");
        }
        _include = include is { Count: > 0 } ? new HashSet<string>(include, StringComparer.Ordinal) : null;
    }

    public string Directory { get; }

    /// <summary>Opens <paramref name="relative"/> beneath the root; negative errno on failure.</summary>
    public int OpenBeneath(string relative, int flags) =>
        Open(_root, relative.Length == 0 ? "." : relative, flags | LibC.O_NOFOLLOW, LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_SYMLINKS);

    private static int Open(int dirfd, string path, int flags, ulong resolve)
    {
        var how = new LibC.OpenHow { flags = (ulong)(flags | LibC.O_CLOEXEC), mode = 0, resolve = resolve };
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var fd = LibC.syscall(LibC.SYS_openat2, dirfd, p, &how, (nuint)sizeof(LibC.OpenHow));
            return fd < 0 ? -Marshal.GetLastPInvokeError() : (int)fd;
        }
    }

    /// <summary>A file of the layer, open read-only.</summary>
    public LowerFile OpenFile(string relative)
    {
        var fd = OpenBeneath(relative, LibC.O_RDONLY);
        if (fd < 0)
        {
            throw new FuseErrnoException(Errno.EIO, $"lower file '{relative}' cannot be opened (errno {-fd})");
        }
        return new LowerFile(fd);
    }

    /// <summary>The entries of a lower directory as the world will declare them (lstat of each, never following links).</summary>
    public List<DeclaredEntry> List(string relative, Action<string, string> skipped)
    {
        var dirfd = OpenBeneath(relative, LibC.O_RDONLY | LibC.O_DIRECTORY);
        if (dirfd < 0)
        {
            throw new FuseErrnoException(Errno.EIO, $"lower directory '{relative}' cannot be opened (errno {-dirfd})");
        }
        try
        {
            var entries = new List<DeclaredEntry>();
            foreach (var full in System.IO.Directory.EnumerateFileSystemEntries($"/proc/self/fd/{dirfd}"))
            {
                var name = Path.GetFileName(full);
                if (relative.Length == 0 && _include is not null && !_include.Contains(name))
                {
                    continue;
                }
                var childPath = relative.Length == 0 ? name : relative + "/" + name;
                var entry = Declare(dirfd, name, childPath, out var reason);
                if (entry is null)
                {
                    skipped(childPath, reason!);
                    continue;
                }
                entries.Add(entry);
            }
            return entries;
        }
        finally
        {
            LibC.close(dirfd);
        }
    }

    private static DeclaredEntry? Declare(int dirfd, string name, string childPath, out string? reason)
    {
        reason = null;
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        Stat st;
        fixed (byte* n = nameBytes)
        {
            if (LibC.fstatat(dirfd, n, &st, LibC.AT_SYMLINK_NOFOLLOW) != 0)
            {
                // Names that are not valid UTF-8 were decoded lossily and no longer resolve.
                reason = $"lstat failed (errno {Marshal.GetLastPInvokeError()})";
                return null;
            }
        }
        var kind = FileModes.KindOf(st.st_mode);
        string? target = null;
        if (kind == FileKind.Symlink)
        {
            target = ReadLink(dirfd, nameBytes);
            if (target is null)
            {
                reason = "readlink failed";
                return null;
            }
        }
        var origin = "lower:" + childPath;
        return new DeclaredEntry
        {
            Name = name,
            Mode = st.st_mode,
            Uid = st.st_uid,
            Gid = st.st_gid,
            Size = kind == FileKind.Regular ? st.st_size : kind == FileKind.Symlink ? Encoding.UTF8.GetByteCount(target!) : 0,
            Rdev = kind is FileKind.CharDevice or FileKind.BlockDevice ? st.st_rdev : 0,
            Mtime = new Timespec(st.st_mtim.tv_sec, st.st_mtim.tv_nsec),
            Atime = new Timespec(st.st_atim.tv_sec, st.st_atim.tv_nsec),
            Ctime = new Timespec(st.st_ctim.tv_sec, st.st_ctim.tv_nsec),
            Content = kind == FileKind.Regular && st.st_size > 0 ? ContentState.Lower : ContentState.Stored,
            Target = target,
            Lazy = kind == FileKind.Directory,
            Origin = kind == FileKind.Directory || (kind == FileKind.Regular && st.st_size > 0) ? origin : null,
        };
    }

    private static string? ReadLink(int dirfd, byte[] nameZ)
    {
        var buffer = new byte[4096];
        fixed (byte* n = nameZ)
        fixed (byte* b = buffer)
        {
            var length = LibC.readlinkat(dirfd, n, b, (nuint)buffer.Length);
            return length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)length);
        }
    }

    public void Dispose() => LibC.close(_root);
}

/// <summary>A lower file open O_RDONLY; reads are pread(2), safe from many threads at once.</summary>
internal sealed unsafe class LowerFile(int fd) : IDisposable
{
    private int _fd = fd;

    public int Read(long offset, Span<byte> destination)
    {
        var total = 0;
        fixed (byte* p = destination)
        {
            while (total < destination.Length)
            {
                var n = LibC.pread(_fd, p + total, (nuint)(destination.Length - total), offset + total);
                if (n < 0)
                {
                    throw new FuseErrnoException(Errno.EIO, $"pread of a lower file failed (errno {Marshal.GetLastPInvokeError()})");
                }
                if (n == 0)
                {
                    break;
                }
                total += (int)n;
            }
        }
        return total;
    }

    public byte[] ReadAll()
    {
        var chunks = new MemoryStream();
        var buffer = new byte[1 << 20];
        long offset = 0;
        while (true)
        {
            var n = Read(offset, buffer);
            if (n == 0)
            {
                return chunks.ToArray();
            }
            chunks.Write(buffer, 0, n);
            offset += n;
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.close(fd);
        }
    }
}
