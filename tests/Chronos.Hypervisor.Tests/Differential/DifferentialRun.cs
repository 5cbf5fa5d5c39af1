using System.Globalization;
using System.Text;

namespace Chronos.Hypervisor.Tests.Differential;

/// <summary>
/// Applies one seeded random sequence of operations to Linux (tmpfs) and to the Hypervisor and
/// demands the same errno from both at every step, the same stat of what the step touched, and
/// every <see cref="CheckEvery"/> steps the same tree: names, kinds, modes, nlinks, sizes, rdevs,
/// hard-link grouping, contents, symlink targets, xattrs, and what open handles read.
/// </summary>
internal sealed class DifferentialRun(int seed, int steps, IFsSide linux, IFsSide hypervisor)
{
    public const int CheckEvery = 250;

    private static readonly string[] NamePool = ["a", "b", "c", "d", "e"];
    private static readonly string[] XattrNames = ["user.a", "user.b", "user.mime_type"];
    private readonly Random _random = new(seed);
    private readonly Queue<string> _recent = new();
    private readonly List<(int Linux, int Hypervisor)> _handles = [];
    private int _step;

    public int Operations { get; private set; }

    public async Task RunAsync()
    {
        for (_step = 1; _step <= steps; _step++)
        {
            await StepAsync();
            if (_step % CheckEvery == 0)
            {
                await CompareTreeAsync();
            }
        }
        await CompareTreeAsync();
        foreach (var (l, h) in _handles)
        {
            Same(await linux.CloseAsync(l), await hypervisor.CloseAsync(h), "close at end");
        }
        _handles.Clear();
        await CompareTreeAsync();
    }

    private string Name()
    {
        var roll = _random.Next(200);
        if (roll == 0)
        {
            return new string('n', 256);
        }
        return roll == 1 ? new string('m', 255) : NamePool[_random.Next(NamePool.Length)];
    }

    private string PathOf()
    {
        var depth = _random.Next(10) switch { < 4 => 1, < 8 => 2, _ => 3 };
        return string.Join('/', Enumerable.Range(0, depth).Select(_ => Name()));
    }

    private byte[] Bytes(int length)
    {
        var data = new byte[length];
        _random.NextBytes(data);
        return data;
    }

    private async Task StepAsync()
    {
        var path = PathOf();
        var op = _random.Next(100);
        switch (op)
        {
            case < 12:
                var fileMode = 0x8000 | Mode();
                await Do($"create {path} {fileMode:x}", l => l.MknodAsync(path, fileMode, 0), path);
                break;
            case < 15:
                var (type, rdev) = _random.Next(3) switch { 0 => (0x1000u, 0UL), 1 => (0xC000u, 0UL), _ => (0x2000u, 0x103UL) };
                var nodeMode = type | Mode();
                await Do($"mknod {path} {nodeMode:x}", l => l.MknodAsync(path, nodeMode, rdev), path);
                break;
            case < 25:
                var dirMode = Mode();
                await Do($"mkdir {path} {dirMode:x}", l => l.MkdirAsync(path, dirMode), path);
                break;
            case < 33:
                await Do($"unlink {path}", l => l.UnlinkAsync(path));
                break;
            case < 38:
                await Do($"rmdir {path}", l => l.RmdirAsync(path));
                break;
            case < 50:
                var to = PathOf();
                var flags = _random.Next(10) switch { < 6 => 0u, < 8 => 1u, 8 => 2u, _ => 3u };
                await Do($"rename {path} {to} flags {flags}", l => l.RenameAsync(path, to, flags), path, to);
                break;
            case < 56:
                var linkTo = PathOf();
                await Do($"link {path} {linkTo}", l => l.LinkAsync(path, linkTo), path, linkTo);
                break;
            case < 60:
                var target = "/nonexistent-chronos/" + Name();
                await Do($"symlink {target} {path}", l => l.SymlinkAsync(target, path), path);
                break;
            case < 74:
                if (await IsSpecialAsync(path))
                {
                    break;
                }
                var offset = _random.Next(4) == 0 ? 65536L * _random.Next(4) : _random.Next(200_000);
                var length = _random.Next(4) switch { 0 => 65536, 1 => _random.Next(1, 200_000), _ => _random.Next(1, 5000) };
                var data = Bytes(length);
                await Do($"write {path} @{offset} +{length}", l => l.WriteAsync(path, offset, data), path);
                break;
            case < 80:
                var size = _random.Next(3) == 0 ? 65536L * _random.Next(4) : _random.Next(300_000);
                await Do($"truncate {path} {size}", l => l.TruncateAsync(path, size), path);
                break;
            case < 84:
                var mode = (uint)_random.Next(0x1000);
                await Do($"chmod {path} {mode:x}", l => l.ChmodAsync(path, mode), path);
                break;
            case < 90:
                if (!await IsFileOrDirAsync(path))
                {
                    break;
                }
                var name = XattrNames[_random.Next(XattrNames.Length)];
                var value = Bytes(_random.Next(0, 100));
                var xflags = _random.Next(4) switch { 0 => 1, 1 => 2, _ => 0 };
                await Do($"setxattr {path} {name} flags {xflags}", l => l.SetXattrAsync(path, name, value, xflags), path);
                break;
            case < 92:
                if (!await IsFileOrDirAsync(path))
                {
                    break;
                }
                var xname = XattrNames[_random.Next(XattrNames.Length)];
                await Do($"removexattr {path} {xname}", l => l.RemoveXattrAsync(path, xname), path);
                break;
            case < 95:
                if (_handles.Count >= 8 || await IsSpecialAsync(path))
                {
                    break;
                }
                Operations++;
                Remember($"open {path}");
                var (le, lh) = await linux.OpenAsync(path);
                var (he, hh) = await hypervisor.OpenAsync(path);
                Same(le, he, $"open {path}");
                if (le == 0)
                {
                    _handles.Add((lh, hh));
                }
                break;
            case < 98:
                if (_handles.Count == 0)
                {
                    break;
                }
                var h = _handles[_random.Next(_handles.Count)];
                var hoffset = (long)_random.Next(100_000);
                var hdata = Bytes(_random.Next(1, 70_000));
                Operations++;
                Remember($"write handle @{hoffset} +{hdata.Length}");
                Same(await linux.WriteHandleAsync(h.Linux, hoffset, hdata), await hypervisor.WriteHandleAsync(h.Hypervisor, hoffset, hdata), "write handle");
                break;
            default:
                if (_handles.Count == 0)
                {
                    break;
                }
                var index = _random.Next(_handles.Count);
                var c = _handles[index];
                _handles.RemoveAt(index);
                Operations++;
                Remember("close handle");
                Same(await linux.CloseAsync(c.Linux), await hypervisor.CloseAsync(c.Hypervisor), "close");
                break;
        }
    }

    private uint Mode() => (uint)_random.Next(0x200);

    private async Task<bool> IsSpecialAsync(string path)
    {
        var (e, node) = await linux.StatAsync(path);
        return e == 0 && !node.IsDir && !node.IsRegular && !node.IsSymlink;
    }

    private async Task<bool> IsFileOrDirAsync(string path)
    {
        var (e, node) = await linux.StatAsync(path);
        return e != 0 || node.IsDir || node.IsRegular;
    }

    private async Task Do(string description, Func<IFsSide, Task<int>> action, params string[] touched)
    {
        Operations++;
        Remember(description);
        var l = await action(linux);
        var h = await action(hypervisor);
        Same(l, h, description);
        if (l == 0)
        {
            foreach (var path in touched)
            {
                await CompareStatAsync(path);
            }
        }
    }

    private async Task CompareStatAsync(string path)
    {
        var (le, ln) = await linux.StatAsync(path);
        var (he, hn) = await hypervisor.StatAsync(path);
        Same(le, he, $"lstat {path}");
        if (le == 0)
        {
            Equal(ln.Mode, hn.Mode, $"mode of {path}");
            Equal(ln.Nlink, hn.Nlink, $"nlink of {path}");
            if (!ln.IsDir)
            {
                Equal(ln.Size, hn.Size, $"size of {path}");
            }
        }
    }

    private async Task CompareTreeAsync()
    {
        var identities = new Dictionary<ulong, ulong>();
        var reverse = new Dictionary<ulong, ulong>();
        await CompareDirAsync("", identities, reverse);
        for (var i = 0; i < _handles.Count; i++)
        {
            var (le, lc) = await linux.ReadHandleAsync(_handles[i].Linux, 1 << 20);
            var (he, hc) = await hypervisor.ReadHandleAsync(_handles[i].Hypervisor, 1 << 20);
            Same(le, he, $"read handle {i}");
            Equal(Convert.ToHexString(lc), Convert.ToHexString(hc), $"content through handle {i}");
        }
    }

    private async Task CompareDirAsync(string dir, Dictionary<ulong, ulong> identities, Dictionary<ulong, ulong> reverse)
    {
        var (le, lnames) = await linux.ListAsync(dir);
        var (he, hnames) = await hypervisor.ListAsync(dir);
        Same(le, he, $"list {dir}");
        lnames.Sort(StringComparer.Ordinal);
        hnames.Sort(StringComparer.Ordinal);
        Equal(string.Join(",", lnames), string.Join(",", hnames), $"entries of '{dir}'");
        foreach (var name in lnames)
        {
            var path = dir.Length == 0 ? name : dir + "/" + name;
            var (_, l) = await linux.StatAsync(path);
            var (_, h) = await hypervisor.StatAsync(path);
            Equal(l.Mode, h.Mode, $"mode of {path}");
            Equal(l.Nlink, h.Nlink, $"nlink of {path}");
            if (identities.TryGetValue(l.Ino(), out var known) || reverse.TryGetValue(h.Identity, out _))
            {
                Equal(known, h.Identity, $"hard-link identity of {path}");
                Equal(reverse.GetValueOrDefault(h.Identity), l.Identity, $"hard-link identity of {path}");
            }
            identities[l.Identity] = h.Identity;
            reverse[h.Identity] = l.Identity;
            if (l.IsDir)
            {
                Equal(await XattrsOf(linux, path), await XattrsOf(hypervisor, path), $"xattrs of {path}");
                await CompareDirAsync(path, identities, reverse);
                continue;
            }
            Equal(l.Size, h.Size, $"size of {path}");
            if (l.IsRegular)
            {
                Equal(await XattrsOf(linux, path), await XattrsOf(hypervisor, path), $"xattrs of {path}");
                var lc = await linux.ReadFileAsync(path, l.Size);
                var hc = await hypervisor.ReadFileAsync(path, h.Size);
                if (!lc.AsSpan().SequenceEqual(hc))
                {
                    var at = lc.AsSpan().CommonPrefixLength(hc);
                    Fail($"content of {path} differs at byte {at} (sizes {lc.Length} / {hc.Length})");
                }
            }
            else if (l.IsSymlink)
            {
                Equal(await linux.ReadLinkAsync(path), await hypervisor.ReadLinkAsync(path), $"target of {path}");
            }
            else if ((l.Mode & 0xF000) is 0x2000 or 0x6000)
            {
                Equal(l.Rdev, h.Rdev, $"rdev of {path}");
            }
        }
    }

    private static async Task<string> XattrsOf(IFsSide side, string path) =>
        string.Join(";", (await side.XattrsAsync(path)).Select(kv => kv.Key + "=" + kv.Value));

    private void Remember(string description)
    {
        _recent.Enqueue($"{_step}: {description}");
        if (_recent.Count > 25)
        {
            _recent.Dequeue();
        }
    }

    private void Same(int linuxErrno, int hypervisorErrno, string what)
    {
        if (linuxErrno != hypervisorErrno)
        {
            Fail($"{what}: Linux gave {ErrnoName(linuxErrno)}, the Hypervisor {ErrnoName(hypervisorErrno)}");
        }
    }

    private void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Fail($"{what}: Linux {expected}, Hypervisor {actual}");
        }
    }

    private static string ErrnoName(int errno) =>
        errno == 0 ? "success" : Enum.IsDefined(typeof(FileSystem.Errno), errno) ? ((FileSystem.Errno)errno).ToString() : errno.ToString(CultureInfo.InvariantCulture);

    private void Fail(string message)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"differential mismatch, seed {seed}, step {_step}: {message}")
            .AppendLine(CultureInfo.InvariantCulture, $"reproduce: CHRONOS_DIFF_SEED={seed} CHRONOS_DIFF_STEPS={steps} dotnet test tests/Chronos.Hypervisor.Tests --filter DifferentialTests")
            .AppendLine("last operations:");
        foreach (var line in _recent)
        {
            text.AppendLine("  " + line);
        }
        throw new Xunit.Sdk.XunitException(text.ToString());
    }
}

internal static class NodeExtensions
{
    public static ulong Ino(this Node node) => node.Identity;
}
