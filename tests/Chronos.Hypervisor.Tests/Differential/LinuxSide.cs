using System.Text;

namespace Chronos.Hypervisor.Tests.Differential;

/// <summary>A real tmpfs directory driven through syscalls: the reference.</summary>
internal sealed unsafe class LinuxSide(string root) : IFsSide
{
    private string P(string path) => path.Length == 0 ? root : root + "/" + path;

    public Task<int> MknodAsync(string path, uint mode, ulong rdev) => Task.FromResult(Libc.Check(Libc.mknod(P(path), mode, rdev)));

    public Task<int> MkdirAsync(string path, uint mode) => Task.FromResult(Libc.Check(Libc.mkdir(P(path), mode)));

    public Task<int> UnlinkAsync(string path) => Task.FromResult(Libc.Check(Libc.unlink(P(path))));

    public Task<int> RmdirAsync(string path) => Task.FromResult(Libc.Check(Libc.rmdir(P(path))));

    public Task<int> RenameAsync(string from, string to, uint flags) =>
        Task.FromResult(Libc.Check(Libc.renameat2(Libc.AT_FDCWD, P(from), Libc.AT_FDCWD, P(to), flags)));

    public Task<int> LinkAsync(string from, string to) => Task.FromResult(Libc.Check(Libc.link(P(from), P(to))));

    public Task<int> SymlinkAsync(string target, string path) => Task.FromResult(Libc.Check(Libc.symlink(target, P(path))));

    public Task<int> WriteAsync(string path, long offset, byte[] data)
    {
        var fd = Libc.open(P(path), Libc.O_WRONLY, 0);
        if (fd < 0)
        {
            return Task.FromResult(Libc.Errno);
        }
        var e = WriteFd(fd, offset, data);
        Libc.close(fd);
        return Task.FromResult(e);
    }

    private static int WriteFd(int fd, long offset, byte[] data)
    {
        fixed (byte* p = data)
        {
            var n = Libc.pwrite(fd, p, data.Length, offset);
            if (n < 0)
            {
                return Libc.Errno;
            }
            return n == data.Length ? 0 : throw new InvalidOperationException($"short write {n}");
        }
    }

    public Task<int> TruncateAsync(string path, long size) => Task.FromResult(Libc.Check(Libc.truncate(P(path), size)));

    public Task<int> ChmodAsync(string path, uint mode) => Task.FromResult(Libc.Check(Libc.chmod(P(path), mode)));

    public Task<int> SetXattrAsync(string path, string name, byte[] value, int flags)
    {
        fixed (byte* p = value)
        {
            return Task.FromResult(Libc.Check(Libc.lsetxattr(P(path), name, p, value.Length, flags)));
        }
    }

    public Task<int> RemoveXattrAsync(string path, string name) => Task.FromResult(Libc.Check(Libc.lremovexattr(P(path), name)));

    public Task<(int Errno, int Handle)> OpenAsync(string path)
    {
        var fd = Libc.open(P(path), Libc.O_RDWR, 0);
        return Task.FromResult(fd < 0 ? (Libc.Errno, -1) : (0, fd));
    }

    public Task<int> WriteHandleAsync(int handle, long offset, byte[] data) => Task.FromResult(WriteFd(handle, offset, data));

    public Task<(int Errno, byte[] Content)> ReadHandleAsync(int handle, int max)
    {
        var buffer = new byte[max];
        fixed (byte* p = buffer)
        {
            var n = Libc.pread(handle, p, max, 0);
            return Task.FromResult(n < 0 ? (Libc.Errno, Array.Empty<byte>()) : (0, buffer[..(int)n]));
        }
    }

    public Task<int> CloseAsync(int handle) => Task.FromResult(Libc.Check(Libc.close(handle)));

    public Task<(int Errno, Node Node)> StatAsync(string path)
    {
        var e = Libc.Lstat(P(path), out var s);
        return Task.FromResult((e, new Node(s.Ino, s.Mode, s.Nlink, s.Size, s.Rdev)));
    }

    public Task<(int Errno, List<string> Names)> ListAsync(string path) =>
        Task.FromResult((0, Directory.EnumerateFileSystemEntries(P(path)).Select(Path.GetFileName).Select(n => n!).ToList()));

    public Task<byte[]> ReadFileAsync(string path, long size) => File.ReadAllBytesAsync(P(path));

    public Task<string> ReadLinkAsync(string path) => Task.FromResult(new FileInfo(P(path)).LinkTarget!);

    public Task<SortedDictionary<string, string>> XattrsAsync(string path)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var list = new byte[65536];
        nint n;
        fixed (byte* p = list)
        {
            n = Libc.llistxattr(P(path), p, list.Length);
        }
        if (n < 0)
        {
            throw new InvalidOperationException($"llistxattr {path}: errno {Libc.Errno}");
        }
        foreach (var name in Encoding.UTF8.GetString(list, 0, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = new byte[65536];
            fixed (byte* p = value)
            {
                var len = Libc.lgetxattr(P(path), name, p, value.Length);
                result[name] = Convert.ToHexString(value, 0, (int)len);
            }
        }
        return Task.FromResult(result);
    }
}
