using System.Globalization;
using System.Text.RegularExpressions;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Worlds;

/// <summary>
/// Creates, lists, resets and deletes worlds, and opens their filesystems. Create is one script;
/// delete and reset scan the world's keys (one slot) and are meant for a world nobody is using.
/// </summary>
public sealed partial class WorldCatalog
{
    private readonly ScriptRunner _scripts;
    private readonly IDatabase _db;
    private readonly ILogger _logger;

    public WorldCatalog(IConnectionMultiplexer redis)
        : this(redis, NullLogger<WorldCatalog>.Instance)
    {
    }

    public WorldCatalog(IConnectionMultiplexer redis, ILogger<WorldCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _logger = logger;
        _scripts = new ScriptRunner(redis, logger);
        _db = _scripts.Database;
    }

    /// <summary>World names: lowercase letters, digits, '_' and '-', at most 63, so a name is safe in a
    /// key, a hash tag, a path and a hostname-like label.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex WorldName();

    public static bool IsValidName(string world) => world is not null && WorldName().IsMatch(world);

    public async Task<WorldInfo> CreateAsync(WorldSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckName(spec.Name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.QuotaBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.QuotaBytes, Chunks.MaxFileSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.QuotaInodes, 1);
        var keys = new Keys(spec.Name);
        var r = await _scripts.RunAsync(
            Scripts.CreateWorld,
            [keys.Meta, keys.Usage, keys.Audit, keys.NextIno, keys.Inode(1)],
            [OpContext.System.SessionId, spec.Name, spec.QuotaBytes, spec.QuotaInodes, spec.LowerDirectory ?? "", spec.Persona ?? "", "0"]);
        if ((long)r[0] == (long)Errno.EEXIST)
        {
            throw new WorldExistsException(spec.Name);
        }
        await _db.SetAddAsync(Keys.Worlds, spec.Name);
        Log.WorldCreated(_logger, spec.Name, spec.QuotaBytes, spec.QuotaInodes);
        return await GetAsync(spec.Name, ct) ?? throw new InvalidOperationException($"world {spec.Name} vanished while being created");
    }

    public async Task<WorldInfo?> GetAsync(string world, CancellationToken ct = default)
    {
        if (!IsValidName(world))
        {
            return null;
        }
        var keys = new Keys(world);
        var meta = _db.HashGetAllAsync(keys.Meta);
        var usage = _db.HashGetAllAsync(keys.Usage);
        var m = (await meta).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var u = (await usage).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        if (m.Count == 0 || m.ContainsKey(StateField))
        {
            // A world still being branched (or left half branched by a crash) is not a world yet.
            return null;
        }
        var created = long.Parse(m["created"], CultureInfo.InvariantCulture);
        return new WorldInfo(
            world,
            long.Parse(m["qb"], CultureInfo.InvariantCulture),
            long.Parse(m["qi"], CultureInfo.InvariantCulture),
            m.GetValueOrDefault("lower"),
            m.GetValueOrDefault("persona"),
            DateTimeOffset.UnixEpoch.AddTicks(created / 100),
            u.TryGetValue("b", out var b) ? long.Parse(b, CultureInfo.InvariantCulture) : 0,
            u.TryGetValue("i", out var i) ? long.Parse(i, CultureInfo.InvariantCulture) : 0);
    }

    public async Task<IReadOnlyList<WorldInfo>> ListAsync(CancellationToken ct = default)
    {
        var names = await _db.SetMembersAsync(Keys.Worlds);
        var infos = await Task.WhenAll(names.Select(n => GetAsync((string)n!, ct)));
        return infos.OfType<WorldInfo>().OrderBy(w => w.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Deletes every key of the world. Returns false when there was no such world.</summary>
    public async Task<bool> DeleteAsync(string world, CancellationToken ct = default)
    {
        CheckName(world);
        var keys = new Keys(world);
        var existed = await _db.KeyExistsAsync(keys.Meta);
        await _db.SetRemoveAsync(Keys.Worlds, world);
        var deleted = await DeleteKeysAsync(keys, _ => true, ct);
        Log.WorldDeleted(_logger, world, deleted);
        return existed;
    }

    /// <summary>Empties the world to a bare root with the same spec; the audit stream and the session
    /// records stay (they are history, not state).</summary>
    public async Task ResetAsync(string world, CancellationToken ct = default)
    {
        CheckName(world);
        var keys = new Keys(world);
        if (!await _db.KeyExistsAsync(keys.Meta))
        {
            throw new InvalidOperationException($"world '{world}' does not exist");
        }
        var keep = new HashSet<string>(StringComparer.Ordinal) { keys.Meta, keys.Audit, keys.Sessions };
        var sessionPrefix = keys.Session("");
        await DeleteKeysAsync(keys, k => !keep.Contains(k) && !k.StartsWith(sessionPrefix, StringComparison.Ordinal), ct);
        await _scripts.RunAsync(
            Scripts.CreateWorld,
            [keys.Meta, keys.Usage, keys.Audit, keys.NextIno, keys.Inode(1)],
            [OpContext.System.SessionId, world, 0, 0, "", "", "1"]);
        Log.WorldReset(_logger, world);
    }

    /// <summary>The world's filesystem as seen by one client (a mount); does not check the world exists,
    /// but refuses one that <see cref="BranchAsync"/> has not finished (one HGET).</summary>
    /// <exception cref="WorldNotReadyException">The world is being branched or a branch of it crashed.</exception>
    public IWorldFileSystem Open(string world, string clientId)
    {
        CheckName(world);
        var state = _db.HashGet(new Keys(world).Meta, StateField);
        if (!state.IsNull)
        {
            throw new WorldNotReadyException(world, (string)state!);
        }
        return new WorldFileSystem(_scripts, world, clientId, _logger);
    }

    public async Task<FsckReport> FsckAsync(string world, CancellationToken ct = default)
    {
        CheckName(world);
        var report = await new WorldChecker(_scripts.Redis, new Keys(world)).CheckAsync(ct);
        if (!report.Clean)
        {
            Log.FsckViolations(_logger, world, report.Violations.Count, report.Violations[0]);
        }
        return report;
    }

    private async Task<long> DeleteKeysAsync(Keys keys, Func<string, bool> select, CancellationToken ct)
    {
        long deleted = 0;
        foreach (var server in _scripts.Redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            var batch = new List<RedisKey>(512);
            await foreach (var key in server.KeysAsync(pattern: keys.Pattern, pageSize: 1000).WithCancellation(ct))
            {
                if (select((string)key!))
                {
                    batch.Add(key);
                }
                if (batch.Count == 512)
                {
                    deleted += await _db.KeyDeleteAsync([.. batch]);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                deleted += await _db.KeyDeleteAsync([.. batch]);
            }
        }
        return deleted;
    }

    private static void CheckName(string world)
    {
        if (!IsValidName(world))
        {
            throw new ArgumentException($"'{world}' is not a world name ([a-z0-9][a-z0-9_-]{{0,62}})", nameof(world));
        }
    }
}
