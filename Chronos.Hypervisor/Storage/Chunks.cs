using System.Security.Cryptography;

namespace Chronos.Hypervisor.Storage;

/// <summary>
/// Content is cut into 64 KiB chunks named by their SHA-256. 64 KiB keeps a 4 KiB write into a
/// large file to one chunk rewrite (16x the written bytes at worst) while a 1 GiB file needs only
/// 16,384 chunk entries; it is also Redis's sweet spot for string values.
/// </summary>
internal static class Chunks
{
    public const int Size = 65536;

    /// <summary>The largest file (16 TiB): keeps every size Lua handles an exact integer (below 1e14).</summary>
    public const long MaxFileSize = 1L << 44;

    /// <summary>How long an uploaded blob waits for a script to use it before Redis drops it (a client
    /// that dies between upload and script leaves nothing behind for longer than this).</summary>
    public static readonly TimeSpan PendingUploadLifetime = TimeSpan.FromMinutes(5);

    public static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
