using System.Text;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Persona.Tests;

/// <summary>Walks a world through IWorldFileSystem (not through the plan), as a client would see it.</summary>
internal static class WorldTree
{
    public static async Task<SortedDictionary<string, InodeAttributes>> WalkAsync(IWorldFileSystem world)
    {
        var result = new SortedDictionary<string, InodeAttributes>(StringComparer.Ordinal);
        var queue = new Queue<(string Path, ulong Ino)>();
        queue.Enqueue(("/", 1));
        while (queue.Count > 0)
        {
            var (path, ino) = queue.Dequeue();
            long cookie = 0;
            while (true)
            {
                var page = (await world.ReadDirAsync(ino, cookie, 512, withAttributes: true)).Value;
                foreach (var entry in page.Entries)
                {
                    cookie = entry.NextCookie;
                    if (entry.Name is "." or "..")
                    {
                        continue;
                    }
                    var child = path == "/" ? "/" + entry.Name : path + "/" + entry.Name;
                    result[child] = entry.Attributes!;
                    if (entry.Kind == FileKind.Directory && !entry.Attributes!.IsLazyDirectory)
                    {
                        queue.Enqueue((child, entry.Ino));
                    }
                }
                if (page.End || page.Entries.Count == 0)
                {
                    break;
                }
            }
        }
        return result;
    }

    public static async Task<ulong> ResolveAsync(IWorldFileSystem world, string path)
    {
        ulong ino = 1;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            ino = (await world.LookupAsync(ino, part)).Value.Ino;
        }
        return ino;
    }

    public static async Task<byte[]> ReadAllAsync(IWorldFileSystem world, ulong ino)
    {
        var attributes = (await world.GetAttrAsync(ino)).Value;
        var buffer = new byte[attributes.Size];
        var read = await world.ReadAsync(ino, 0, buffer);
        Assert.True(read.IsOk, $"read of inode {ino}: {read.Error}");
        Assert.Equal(buffer.Length, read.Value);
        return buffer;
    }

    public static async Task<string> ReadTextAsync(IWorldFileSystem world, string path) =>
        Encoding.UTF8.GetString(await ReadAllAsync(world, await ResolveAsync(world, path)));
}
