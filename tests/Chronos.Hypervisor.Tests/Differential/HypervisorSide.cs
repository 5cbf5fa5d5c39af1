using System.Text;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Hypervisor.Tests.Differential;

/// <summary>
/// The Hypervisor driven by paths, doing what the kernel's VFS does before it calls a FUSE
/// filesystem: walk the components with lookup (ENOENT / ENOTDIR on the way; every symlink the
/// test makes dangles, so following one gives ENOENT), then call the inode verb.
/// </summary>
internal sealed class HypervisorSide(IWorldFileSystem fs, Random pageSizes) : IFsSide
{
    private static readonly OpContext Context = new("diff", 0, 0);
    private readonly Dictionary<int, ulong> _handles = [];
    private int _nextHandle;

    private async Task<(int Errno, ulong Parent, string Name)> ResolveAsync(string path)
    {
        var parts = path.Split('/');
        ulong cur = 1;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var r = await fs.LookupAsync(cur, parts[i]);
            if (!r.IsOk)
            {
                return ((int)r.Error, 0, "");
            }
            if (r.Value.Kind == FileKind.Symlink)
            {
                return ((int)Errno.ENOENT, 0, "");
            }
            if (r.Value.Kind != FileKind.Directory)
            {
                return ((int)Errno.ENOTDIR, 0, "");
            }
            cur = r.Value.Ino;
        }
        return (0, cur, parts[^1]);
    }

    private async Task<(int Errno, InodeAttributes? Node)> NodeAsync(string path, bool follow)
    {
        if (path.Length == 0)
        {
            return (0, (await fs.GetAttrAsync(1)).Value);
        }
        var (e, parent, name) = await ResolveAsync(path);
        if (e != 0)
        {
            return (e, null);
        }
        var r = await fs.LookupAsync(parent, name);
        if (!r.IsOk)
        {
            return ((int)r.Error, null);
        }
        return follow && r.Value.Kind == FileKind.Symlink ? ((int)Errno.ENOENT, null) : (0, r.Value);
    }

    private async Task<int> AtParentAsync(string path, Func<ulong, string, ValueTask<int>> action)
    {
        var (e, parent, name) = await ResolveAsync(path);
        return e != 0 ? e : await action(parent, name);
    }

    private static int E<T>(FsResult<T> r) => r.IsOk ? 0 : (int)r.Error;

    public Task<int> MknodAsync(string path, uint mode, ulong rdev) =>
        AtParentAsync(path, async (p, n) => E(await fs.MknodAsync(p, n, mode, rdev, Context)));

    public Task<int> MkdirAsync(string path, uint mode) =>
        AtParentAsync(path, async (p, n) => E(await fs.MkdirAsync(p, n, mode, Context)));

    public Task<int> UnlinkAsync(string path) =>
        AtParentAsync(path, async (p, n) => E(await fs.UnlinkAsync(p, n, Context)));

    public Task<int> RmdirAsync(string path) =>
        AtParentAsync(path, async (p, n) => E(await fs.RmdirAsync(p, n, Context)));

    public async Task<int> RenameAsync(string from, string to, uint flags)
    {
        // renameat2 rejects contradictory flags before it looks at the paths.
        if ((flags & 3) == 3)
        {
            return (int)Errno.EINVAL;
        }
        var (e1, p1, n1) = await ResolveAsync(from);
        if (e1 != 0)
        {
            return e1;
        }
        var (e2, p2, n2) = await ResolveAsync(to);
        if (e2 != 0)
        {
            return e2;
        }
        // The kernel looks both names up before it asks for the rename (FUSE passes names up to
        // 1024 bytes, so an overlong name gets its ENAMETOOLONG from the lookup, in that order).
        var source = await fs.LookupAsync(p1, n1);
        if (!source.IsOk)
        {
            return (int)source.Error;
        }
        var target = await fs.LookupAsync(p2, n2);
        if (!target.IsOk && target.Error != Errno.ENOENT)
        {
            return (int)target.Error;
        }
        return E(await fs.RenameAsync(p1, n1, p2, n2, (RenameFlags)flags, Context));
    }

    public async Task<int> LinkAsync(string from, string to)
    {
        var (e, node) = await NodeAsync(from, follow: false);
        return e != 0 ? e : await AtParentAsync(to, async (p, n) => E(await fs.LinkAsync(node!.Ino, p, n, Context)));
    }

    public Task<int> SymlinkAsync(string target, string path) =>
        AtParentAsync(path, async (p, n) => E(await fs.SymlinkAsync(p, n, target, Context)));

    public async Task<int> WriteAsync(string path, long offset, byte[] data)
    {
        var (e, node) = await NodeAsync(path, follow: true);
        return e != 0 ? e : E(await fs.WriteAsync(node!.Ino, offset, data, Context));
    }

    public async Task<int> TruncateAsync(string path, long size)
    {
        var (e, node) = await NodeAsync(path, follow: true);
        return e != 0 ? e : E(await fs.SetAttrAsync(node!.Ino, new SetAttrRequest { Size = size }, Context));
    }

    public async Task<int> ChmodAsync(string path, uint mode)
    {
        var (e, node) = await NodeAsync(path, follow: true);
        return e != 0 ? e : E(await fs.SetAttrAsync(node!.Ino, new SetAttrRequest { Mode = mode }, Context));
    }

    public async Task<int> SetXattrAsync(string path, string name, byte[] value, int flags)
    {
        var (e, node) = await NodeAsync(path, follow: false);
        return e != 0 ? e : E(await fs.SetXattrAsync(node!.Ino, name, value, (XattrFlags)flags, Context));
    }

    public async Task<int> RemoveXattrAsync(string path, string name)
    {
        var (e, node) = await NodeAsync(path, follow: false);
        return e != 0 ? e : E(await fs.RemoveXattrAsync(node!.Ino, name, Context));
    }

    public async Task<(int Errno, int Handle)> OpenAsync(string path)
    {
        var (e, node) = await NodeAsync(path, follow: true);
        if (e != 0)
        {
            return (e, -1);
        }
        if (node!.Kind == FileKind.Directory)
        {
            return ((int)Errno.EISDIR, -1);
        }
        var r = await fs.OpenAsync(node.Ino, Context);
        if (!r.IsOk)
        {
            return ((int)r.Error, -1);
        }
        _handles[++_nextHandle] = node.Ino;
        return (0, _nextHandle);
    }

    public async Task<int> WriteHandleAsync(int handle, long offset, byte[] data) =>
        E(await fs.WriteAsync(_handles[handle], offset, data, Context));

    public async Task<(int Errno, byte[] Content)> ReadHandleAsync(int handle, int max)
    {
        var buffer = new byte[max];
        var r = await fs.ReadAsync(_handles[handle], 0, buffer);
        return r.IsOk ? (0, buffer[..r.Value]) : ((int)r.Error, []);
    }

    public async Task<int> CloseAsync(int handle)
    {
        var r = await fs.ReleaseAsync(_handles[handle], Context);
        _handles.Remove(handle);
        return E(r);
    }

    public async Task<(int Errno, Node Node)> StatAsync(string path)
    {
        var (e, node) = await NodeAsync(path, follow: false);
        return e != 0 ? (e, default) : (0, new Node(node!.Ino, node.Mode, node.Nlink, node.Kind == FileKind.Directory ? 0 : node.Size, node.Rdev));
    }

    public async Task<(int Errno, List<string> Names)> ListAsync(string path)
    {
        var (e, node) = await NodeAsync(path, follow: false);
        if (e != 0)
        {
            return (e, []);
        }
        var names = new List<string>();
        long cookie = 0;
        while (true)
        {
            var page = await fs.ReadDirAsync(node!.Ino, cookie, pageSizes.Next(1, 8), withAttributes: pageSizes.Next(2) == 0);
            if (!page.IsOk)
            {
                return ((int)page.Error, []);
            }
            foreach (var entry in page.Value.Entries)
            {
                if (entry.Name is not ("." or ".."))
                {
                    names.Add(entry.Name);
                }
                cookie = entry.NextCookie;
            }
            if (page.Value.End)
            {
                return (0, names);
            }
        }
    }

    public async Task<byte[]> ReadFileAsync(string path, long size)
    {
        var (_, node) = await NodeAsync(path, follow: false);
        var buffer = new byte[size];
        var r = await fs.ReadAsync(node!.Ino, 0, buffer);
        return buffer[..r.Value];
    }

    public async Task<string> ReadLinkAsync(string path)
    {
        var (_, node) = await NodeAsync(path, follow: false);
        return (await fs.ReadLinkAsync(node!.Ino)).Value;
    }

    public async Task<SortedDictionary<string, string>> XattrsAsync(string path)
    {
        var (_, node) = await NodeAsync(path, follow: false);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in (await fs.ListXattrAsync(node!.Ino)).Value)
        {
            result[name] = Convert.ToHexString((await fs.GetXattrAsync(node.Ino, name)).Value);
        }
        return result;
    }
}
