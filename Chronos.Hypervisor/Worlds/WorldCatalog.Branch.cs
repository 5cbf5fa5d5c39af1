using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Worlds;

public sealed partial class WorldCatalog
{
    /// <summary>Meta field set while a branch is being copied; a world without it is ready.</summary>
    internal const string StateField = "state";

    internal const string BranchingState = "branching";

    /// <summary>How long one brancher owns a target before another may take over (renewed per batch).</summary>
    private static readonly TimeSpan BranchLease = TimeSpan.FromSeconds(60);

    // Keys per DUMP/RESTORE round: 256 keys of at most 64 KiB bound a round to 16 MiB in flight.
    private const int BranchBatch = 256;

    /// <summary>
    /// Creates world <paramref name="target"/> as a copy of <paramref name="source"/>'s filesystem:
    /// inodes, directories and their cookies, chunks, blobs with their refcounts, xattrs, usage,
    /// counters and meta (with the new name and <c>from</c> = source). Not copied: the audit stream
    /// (the branch's holds one <c>world.branch</c> event naming the source), sessions and open
    /// handles (files the source had open but unlinked are freed in the branch, as a remount would).
    /// </summary>
    /// <remarks>
    /// <para>The two worlds live in two hash slots, so this is a key-by-key DUMP/RESTORE, not one
    /// script. Consistency rule: the source should be quiet (a template world nobody mounts). If it
    /// is being changed, each key is copied as it was at some moment, not the world as a whole, and
    /// the fsck run before the branch is declared ready may fail (the branch is then deleted and
    /// this throws).</para>
    /// <para>Crash safety: the target's meta carries <c>state=branching</c> from the first key copied
    /// until fsck passes; such a world is refused by <see cref="Open"/>, <see cref="GetAsync"/> and
    /// <see cref="ListAsync"/>. A lease key in the target's slot names the brancher; a later call for
    /// the same target after the lease lapsed (a crashed brancher) deletes the leftovers and redoes the
    /// copy. While another brancher holds the lease this throws <see cref="WorldNotReadyException"/>.</para>
    /// </remarks>
    /// <exception cref="WorldExistsException">The target exists and is ready.</exception>
    /// <exception cref="WorldNotFoundException">The source does not exist or is not ready.</exception>
    public async Task<WorldInfo> BranchAsync(string source, string target, CancellationToken ct = default)
    {
        CheckName(source);
        CheckName(target);
        if (source == target)
        {
            throw new ArgumentException("a world cannot be branched onto itself", nameof(target));
        }
        var from = new Keys(source);
        var to = new Keys(target);
        var lease = BranchLeaseKey(to);
        var token = Guid.NewGuid().ToString("N");
        if (!await _db.LockTakeAsync(lease, token, BranchLease))
        {
            throw new WorldNotReadyException(target, BranchingState);
        }
        try
        {
            var state = await _db.HashGetAsync(to.Meta, StateField);
            if (await _db.KeyExistsAsync(to.Meta) && state.IsNull)
            {
                throw new WorldExistsException(target);
            }
            var sourceMeta = await _db.HashGetAllAsync(from.Meta);
            if (sourceMeta.Length == 0 || sourceMeta.Any(e => e.Name == StateField))
            {
                throw new WorldNotFoundException(source);
            }
            // Anything under the target's prefix now is a crashed branch's leftovers (the lease lapsed).
            var leftovers = await DeleteKeysAsync(to, k => k != lease, ct);
            if (leftovers > 0)
            {
                Log.BranchLeftoversRemoved(_logger, target, leftovers);
            }

            // Meta first, so every key that follows belongs to a world visibly in the branching state.
            var meta = sourceMeta
                .Where(e => e.Name != "name" && e.Name != "from")
                .Append(new HashEntry("name", target))
                .Append(new HashEntry("from", source))
                .Append(new HashEntry(StateField, BranchingState))
                .ToArray();
            await _db.HashSetAsync(to.Meta, meta);

            var copied = await CopyKeysAsync(from, to, lease, token, ct);
            await ReleaseCopiedHandlesAsync(to);
            await _db.KeyDeleteAsync(to.Audit);

            var report = await FsckAsync(target, ct);
            if (!report.Clean)
            {
                await DeleteKeysAsync(to, k => k != lease, ct);
                throw new InvalidOperationException(
                    $"branch of '{source}' into '{target}' failed its check (was the source changing?); the branch was removed: {report}");
            }
            await _scripts.RunAsync(Scripts.Audit, [to.Meta, to.Usage, to.Audit], [OpContext.System.SessionId, "world.branch", "source", source]);
            await _db.HashDeleteAsync(to.Meta, StateField);
            await _db.SetAddAsync(Keys.Worlds, target);
            Log.WorldBranched(_logger, source, target, copied);
        }
        finally
        {
            await _db.LockReleaseAsync(lease, token);
        }
        return await GetAsync(target, ct) ?? throw new InvalidOperationException($"world {target} vanished while being branched");
    }

    /// <summary>The lease key of a branch in progress (in the target's slot, so a delete of the world removes it).</summary>
    private static string BranchLeaseKey(Keys keys) => keys.Prefix + "branch_lease";

    private static bool IsCopiedKey(Keys from, string key)
    {
        // History and per-client state stay with the source; meta was written already.
        var rest = key[from.Prefix.Length..];
        return rest is not ("meta" or "audit" or "sessions" or "branch_lease")
            && !rest.StartsWith("session:", StringComparison.Ordinal);
    }

    private async Task<long> CopyKeysAsync(Keys from, Keys to, string lease, string token, CancellationToken ct)
    {
        long copied = 0;
        var batch = new List<RedisKey>(BranchBatch);
        foreach (var server in _scripts.Redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(pattern: from.Pattern, pageSize: 1000).WithCancellation(ct))
            {
                if (IsCopiedKey(from, (string)key!))
                {
                    batch.Add(key);
                }
                if (batch.Count == BranchBatch)
                {
                    copied += await CopyBatchAsync(from, to, batch, lease, token);
                    batch.Clear();
                }
            }
        }
        if (batch.Count > 0)
        {
            copied += await CopyBatchAsync(from, to, batch, lease, token);
        }
        return copied;
    }

    private async Task<long> CopyBatchAsync(Keys from, Keys to, List<RedisKey> keys, string lease, string token)
    {
        if (!await _db.LockExtendAsync(lease, token, BranchLease))
        {
            throw new InvalidOperationException($"lost the branch lease of '{to.World}' (a copy took longer than {BranchLease.TotalSeconds} s per batch)");
        }
        var dumps = keys.Select(k => _db.KeyDumpAsync(k)).ToArray();
        var ttls = keys.Select(k => _db.KeyTimeToLiveAsync(k)).ToArray();
        await Task.WhenAll(dumps);
        await Task.WhenAll(ttls);
        var restores = new List<Task>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            // A key that vanished between SCAN and DUMP (an expired pending upload) is not copied.
            if (dumps[i].Result is { } payload)
            {
                var name = to.Prefix + ((string)keys[i]!)[from.Prefix.Length..];
                restores.Add(_db.KeyRestoreAsync(name, payload, ttls[i].Result));
            }
        }
        await Task.WhenAll(restores);
        return restores.Count;
    }

    /// <summary>The branch holds no client's handles: drop each copied client's handles with the same
    /// script a restarting mount uses, which frees unlinked-but-open inodes and their chunks.</summary>
    private async Task ReleaseCopiedHandlesAsync(Keys to)
    {
        var prefix = to.HandlesOf("");
        var clients = new List<string>();
        foreach (var server in _scripts.Redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
            {
                clients.Add(((string)key!)[prefix.Length..]);
            }
        }
        // Nor any client's handle lease: limbo orphans are due at once (the next reap frees them).
        await _db.KeyDeleteAsync(to.Leases);
        await _db.SortedSetCombineAndStoreAsync(SetOperation.Union, to.Limbo, [to.Limbo], [0]);
        foreach (var client in clients)
        {
            await _scripts.RunAsync(Scripts.ReleaseAll, [to.Meta, to.Usage, to.Audit, to.Handles, to.HandlesOf(client)], [OpContext.System.SessionId, client]);
        }
        await _db.KeyDeleteAsync(to.Handles);
    }
}
