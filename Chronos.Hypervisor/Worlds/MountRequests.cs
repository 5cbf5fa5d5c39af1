using StackExchange.Redis;

namespace Chronos.Hypervisor.Worlds;

/// <summary>
/// The Gateway of one sensor host asks the Chronos.Fuse of the same host to mount a world through
/// Redis: a sorted set of wanted worlds scored by lease expiry (<see cref="Keys.MountRequests"/>),
/// plus a pub/sub notice so Fuse acts at once instead of at its next reconcile. The Gateway renews
/// the lease while sessions live in the world; a lapsed or released lease lets Fuse unmount it once
/// it is idle. Both sides run on one host (the sandbox needs the mount), so both read one clock.
/// </summary>
/// <remarks>The set is per host name, so sensors sharing one Redis never mount each other's worlds.</remarks>
public sealed class MountRequests
{
    /// <summary>How long a request holds without renewal: long enough to ride out a Redis blip of
    /// tens of seconds, short enough that a crashed Gateway's worlds are unmounted within a minute.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(60);

    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly RedisChannel _notices;

    public MountRequests(IConnectionMultiplexer redis, string host)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        _redis = redis;
        _db = redis.GetDatabase();
        Host = host;
        _key = Keys.MountRequests(host);
        _notices = RedisChannel.Literal(Keys.MountNotices(host));
    }

    public string Host { get; }

    /// <summary>Wants <paramref name="world"/> mounted until now + <paramref name="lease"/>; never
    /// shortens a longer lease another session of the same host holds (ZADD GT).</summary>
    public async Task RequestAsync(string world, TimeSpan lease)
    {
        CheckName(world);
        var expiry = DateTimeOffset.UtcNow.Add(lease).ToUnixTimeMilliseconds();
        await _db.SortedSetAddAsync(_key, world, expiry, SortedSetWhen.GreaterThan).ConfigureAwait(false);
        await _db.PublishAsync(_notices, world).ConfigureAwait(false);
    }

    /// <summary>Renews the leases of <paramref name="worlds"/> in one round trip, without notices (nothing changed for Fuse).</summary>
    public async Task RenewAsync(IReadOnlyCollection<string> worlds, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(worlds);
        if (worlds.Count == 0)
        {
            return;
        }
        var expiry = DateTimeOffset.UtcNow.Add(lease).ToUnixTimeMilliseconds();
        await _db.SortedSetAddAsync(_key, [.. worlds.Select(w => new SortedSetEntry(w, expiry))], SortedSetWhen.GreaterThan).ConfigureAwait(false);
    }

    /// <summary>Gives the request up at once (the Gateway wants the world unmounted, e.g. before deleting it).</summary>
    public async Task ReleaseAsync(string world)
    {
        CheckName(world);
        await _db.SortedSetRemoveAsync(_key, world).ConfigureAwait(false);
        await _db.PublishAsync(_notices, world).ConfigureAwait(false);
    }

    /// <summary>The worlds whose lease has not lapsed.</summary>
    public async Task<IReadOnlyList<string>> WantedAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var names = await _db.SortedSetRangeByScoreAsync(_key, now, double.PositiveInfinity, Exclude.Start).ConfigureAwait(false);
        return [.. names.Select(n => (string)n!).Where(WorldCatalog.IsValidName)];
    }

    public async Task<bool> IsWantedAsync(string world)
    {
        var score = await _db.SortedSetScoreAsync(_key, world).ConfigureAwait(false);
        return score is { } expiry && expiry > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>Drops lapsed requests (a crashed Gateway's), so the set does not grow; returns how many.</summary>
    public Task<long> ForgetLapsedAsync() =>
        _db.SortedSetRemoveRangeByScoreAsync(_key, double.NegativeInfinity, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>Calls <paramref name="notice"/> with the world name of every request or release (best effort:
    /// pub/sub drops messages while disconnected, so a subscriber also reconciles periodically).</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Action<string> notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var subscriber = _redis.GetSubscriber();
        var queue = await subscriber.SubscribeAsync(_notices).ConfigureAwait(false);
        queue.OnMessage(message => notice((string?)message.Message ?? ""));
        return new Subscription(queue);
    }

    private static void CheckName(string world)
    {
        if (!WorldCatalog.IsValidName(world))
        {
            throw new ArgumentException($"'{world}' is not a world name", nameof(world));
        }
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync().ConfigureAwait(false);
    }
}
