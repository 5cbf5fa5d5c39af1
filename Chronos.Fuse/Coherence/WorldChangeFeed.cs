using System.Globalization;
using System.Threading.Channels;
using Chronos.Fuse.Session;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Fuse.Coherence;

/// <summary>
/// Close-to-open consistency between mounts of one world (two sensor nodes): every mutation is
/// announced on the Redis channel <c>chronos:{world}:changes</c> as
/// <c>&lt;client&gt;|i|&lt;ino&gt;</c> or <c>&lt;client&gt;|e|&lt;parent&gt;|&lt;name&gt;</c>
/// (fire-and-forget: a lost notice costs at most the 1 s attribute/entry timeout), and every
/// notice from another client becomes fuse_lowlevel_notify_inval_inode / _inval_entry. Those are
/// sent from one dedicated thread, never from a libfuse thread or Redis's reader: the kernel may
/// wait for directory locks that an in-flight request holds, and that request may be waiting for
/// Redis.
/// </summary>
internal sealed class WorldChangeFeed : IChangePublisher, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly string _clientId;
    private readonly string _world;
    private readonly ILogger _logger;
    private readonly Channel<string> _inbox = Channel.CreateBounded<string>(new BoundedChannelOptions(65536)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private FuseSession? _session;
    private Thread? _notifier;

    public WorldChangeFeed(IConnectionMultiplexer redis, string world, string clientId, ILogger logger)
    {
        _redis = redis;
        _world = world;
        _clientId = clientId;
        _logger = logger;
        _channel = RedisChannel.Literal(ChannelName(world));
    }

    public static string ChannelName(string world) => $"chronos:{{{world}}}:changes";

    /// <summary>Starts listening; notices are applied to <paramref name="session"/>'s kernel caches.</summary>
    public async Task StartAsync(FuseSession session)
    {
        _session = session;
        _notifier = new Thread(Notify) { IsBackground = true, Name = "fuse-inval " + _world };
        _notifier.Start();
        await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => _inbox.Writer.TryWrite(message!)).ConfigureAwait(false);
    }

    public void InodeChanged(ulong ino) =>
        Publish($"{_clientId}|i|{ino.ToString(CultureInfo.InvariantCulture)}");

    public void EntryChanged(ulong parent, string name) =>
        Publish($"{_clientId}|e|{parent.ToString(CultureInfo.InvariantCulture)}|{name}");

    private void Publish(string message)
    {
        try
        {
            _redis.GetSubscriber().Publish(_channel, message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            Log.ChangeFeedFailed(_logger, _world, ex.Message);
        }
    }

    private void Notify()
    {
        var reader = _inbox.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var message))
            {
                try
                {
                    Apply(message);
                }
                catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException)
                {
                    Log.ChangeFeedFailed(_logger, _world, $"bad notice '{message}': {ex.Message}");
                }
            }
        }
    }

    private void Apply(string message)
    {
        var session = _session;
        var parts = message.Split('|', 4);
        if (session is null || parts.Length < 3 || parts[0] == _clientId)
        {
            return;
        }
        var ino = ulong.Parse(parts[2], CultureInfo.InvariantCulture);
        switch (parts[1])
        {
            case "i":
                session.InvalidateInode(ino);
                break;
            case "e" when parts.Length == 4:
                session.InvalidateEntry(ino, parts[3]);
                break;
            default:
                throw new FormatException("unknown notice kind");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel).ConfigureAwait(false);
        }
        catch (RedisException)
        {
        }
        _inbox.Writer.TryComplete();
        _notifier?.Join(TimeSpan.FromSeconds(5));
    }
}
