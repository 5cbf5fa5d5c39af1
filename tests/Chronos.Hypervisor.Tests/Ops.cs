using Chronos.Hypervisor.FileSystem;

namespace Chronos.Hypervisor.Tests;

/// <summary>Short forms for tests: the root, a user context, and unwrapping results.</summary>
internal static class Ops
{
    public const ulong Root = 1;

    public static readonly OpContext User = new("sess-1", 1000, 1000);

    public static T Ok<T>(this FsResult<T> result) =>
        result.IsOk ? result.Value : throw new Xunit.Sdk.XunitException($"expected success, got {result.Error}");

    public static async Task<T> Ok<T>(this ValueTask<FsResult<T>> result) => (await result).Ok();

    public static async Task<Errno> Err<T>(this ValueTask<FsResult<T>> result)
    {
        var r = await result;
        return r.IsOk ? Errno.None : r.Error;
    }

    public static async Task<byte[]> ReadAllAsync(this IWorldFileSystem fs, ulong ino)
    {
        var size = (await fs.GetAttrAsync(ino)).Ok().Size;
        var buffer = new byte[size];
        var n = await fs.ReadAsync(ino, 0, buffer).Ok();
        Assert.Equal(size, n);
        return buffer;
    }

    public static async Task<List<DirectoryEntry>> ListAsync(this IWorldFileSystem fs, ulong dir, int page = 1000)
    {
        var all = new List<DirectoryEntry>();
        long cookie = 0;
        while (true)
        {
            var p = await fs.ReadDirAsync(dir, cookie, page, withAttributes: false).Ok();
            all.AddRange(p.Entries);
            if (p.End || p.Entries.Count == 0)
            {
                return all;
            }
            cookie = p.Entries[^1].NextCookie;
        }
    }
}
