using System.Globalization;
using Chronos.Hypervisor.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// <see cref="IWorldFileSystem"/> over Redis: reads are single commands or one read-only script
/// (EVALSHA_RO), every mutation is one script (see Scripts/*.lua), so a crash between two calls
/// never leaves a half-done change. Thread-safe and lock-free: calls from many threads multiplex
/// on the one connection.
/// </summary>
internal sealed partial class WorldFileSystem : IWorldFileSystem
{
    /// <summary>Compare-and-set conflicts tolerated before a content change gives up with EAGAIN.</summary>
    private const int MaxAttempts = 32;

    private readonly ScriptRunner _scripts;
    private readonly IDatabase _db;
    private readonly Keys _keys;
    private readonly ILogger _logger;
    private readonly CreateGroupCommit _creates;
    private readonly RedisKey _meta, _usage, _audit, _handles, _clientHandles;

    public WorldFileSystem(ScriptRunner scripts, string world, string clientId, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        _scripts = scripts;
        _db = scripts.Database;
        _keys = new Keys(world);
        _logger = logger;
        _creates = new CreateGroupCommit(scripts, _keys);
        World = world;
        ClientId = clientId;
        _meta = _keys.Meta;
        _usage = _keys.Usage;
        _audit = _keys.Audit;
        _handles = _keys.Handles;
        _clientHandles = _keys.HandlesOf(clientId);
    }

    public string World { get; }

    public string ClientId { get; }

    internal Keys Keys => _keys;

    public async ValueTask<FsResult<InodeAttributes>> LookupAsync(ulong parent, string name, CancellationToken cancellationToken = default)
    {
        var bad = Names.Check(name);
        if (bad != Errno.None)
        {
            return bad;
        }
        var r = await _scripts.RunAsync(Scripts.Lookup, [_meta, _keys.Inode(parent), _keys.Dir(parent)], [name], readOnly: true);
        var status = (long)r[0];
        if (status != 0)
        {
            return (Errno)status;
        }
        var ino = (ulong)r[1];
        return InodeFields.Parse(ino, (RedisResult[])r[2]!);
    }

    public async ValueTask<FsResult<InodeAttributes>> GetAttrAsync(ulong ino, CancellationToken cancellationToken = default)
    {
        var attributes = InodeFields.Parse(ino, await _db.HashGetAllAsync(_keys.Inode(ino)));
        return attributes is null ? Errno.ENOENT : attributes;
    }

    public async ValueTask<FsResult<string>> ReadLinkAsync(ulong ino, CancellationToken cancellationToken = default)
    {
        var v = await _db.HashGetAsync(_keys.Inode(ino), ["m", "l"]);
        if (v[0].IsNull)
        {
            return Errno.ENOENT;
        }
        return FileModes.KindOf((uint)(long)v[0]) == FileKind.Symlink ? (string)v[1]! : Errno.EINVAL;
    }

    public async ValueTask<FsResult<FileSystemStats>> StatFsAsync(CancellationToken cancellationToken = default)
    {
        var quota = _db.HashGetAsync(_meta, ["qb", "qi"]);
        var usage = _db.HashGetAsync(_usage, ["b", "i"]);
        var q = await quota;
        var u = await usage;
        if (q[0].IsNull)
        {
            return Errno.ENOENT;
        }
        const long blockSize = 4096;
        long quotaBytes = (long)q[0], quotaInodes = (long)q[1];
        long usedBytes = u[0].IsNull ? 0 : (long)u[0], usedInodes = u[1].IsNull ? 0 : (long)u[1];
        return new FileSystemStats(
            blockSize,
            quotaBytes / blockSize,
            Math.Max(0, quotaBytes - usedBytes) / blockSize,
            quotaInodes,
            Math.Max(0, quotaInodes - usedInodes),
            Names.MaxNameBytes);
    }

    public async ValueTask<FsResult<bool>> FsyncAsync(ulong ino, OpContext context, CancellationToken cancellationToken = default) =>
        // Every mutation is durable in Redis (as far as its persistence settings go) when its script returns.
        await _db.KeyExistsAsync(_keys.Inode(ino)) ? true : Errno.ENOENT;

    private static string Session(OpContext context) => context.SessionId ?? "";

    /// <summary>The script argument that asks for a changed directory's attributes: only an observer uses them.</summary>
    private static string Wants(OpContext context) => Observed(context) ? "1" : "0";

    /// <summary>Whether the caller takes changed directories' attributes (it passed an observer).</summary>
    private static bool Observed(OpContext context) => context.Observer is not null;

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first reply element: 0 ok, a positive errno, or -1 (compare-and-set conflict).</summary>
    private static long Status(RedisResult[] reply) => (long)reply[0];
}
