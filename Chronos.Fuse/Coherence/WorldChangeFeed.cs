using System.Globalization;
using System.Threading.Channels;
using Chronos.Fuse.Session;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Fuse.Coherence;

/// <summary>
/// Close-to-open consistency between mounts of one world (two sensor nodes): every mutation is
/// announced on the Redis channel <c>chronos:{world}:changes</c>. Notices are batched: one
/// message is the sending client's id followed by NUL-separated notices <c>i|&lt;ino&gt;</c> or
/// <c>e|&lt;parent&gt;|&lt;name&gt;</c> (NUL is the one byte no name contains), published fire-and-forget by one sender loop that gathers them for a few milliseconds (a
/// create costs a fraction of a PUBLISH, not one; a lost message costs at most the 30 s
/// attribute/entry timeout). Every notice from another client becomes
/// fuse_lowlevel_notify_inval_inode / _inval_entry. Those are
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
    private readonly Channel<List<Notice>> _inbox;
    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(65536)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private FuseSession? _session;
    private IChangeListener? _listener;
    private Thread? _notifier;
    private Task? _sender;

    public WorldChangeFeed(IConnectionMultiplexer redis, string world, string clientId, ILogger logger)
    {
        _redis = redis;
        _world = world;
        _clientId = clientId;
        _logger = logger;
        _channel = RedisChannel.Literal(ChannelName(world));
        // A notice dropped here is a kernel cache of this mount left stale until its timeout, and
        // a directory this mount believes it knows whole may not be: the listener forgets those.
        _inbox = Channel.CreateBounded<List<Notice>>(
            new BoundedChannelOptions(65536) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Lost("inbox full"));
    }

    public static string ChannelName(string world) => $"chronos:{{{world}}}:changes";

    /// <summary>
    /// Starts listening; notices are applied to <paramref name="session"/>'s kernel caches, and
    /// <paramref name="listener"/> hears of directories changed elsewhere and of lost notices.
    /// </summary>
    public async Task StartAsync(FuseSession session, IChangeListener? listener = null)
    {
        _session = session;
        _listener = listener;
        _notifier = new Thread(Notify) { IsBackground = true, Name = "fuse-inval " + _world };
        _notifier.Start();
        _sender = Task.Run(SendAsync);
        // Pub/sub delivers nothing sent while the connection is down: whatever was known is suspect.
        _redis.ConnectionFailed += OnConnectionChanged;
        _redis.ConnectionRestored += OnConnectionChanged;
        await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => Receive(message!)).ConfigureAwait(false);
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => Lost(e.FailureType.ToString());

    private void Lost(string reason)
    {
        Log.ChangeNoticesLost(_logger, _world, reason);
        _listener?.NoticesLost();
    }

    /// <summary>
    /// On Redis's reader: decodes a message once, tells the listener at once which directories
    /// another client changed (so a lookup here stops trusting what it knew before the kernel is
    /// even told), and queues the kernel invalidations for the notifier thread.
    /// </summary>
    private void Receive(string message)
    {
        List<Notice> notices;
        try
        {
            string client;
            (client, notices) = Decode(message);
            if (client == _clientId)
            {
                return;
            }
        }
        catch (FormatException ex)
        {
            Log.ChangeFeedFailed(_logger, _world, $"bad notice '{message}': {ex.Message}");
            return;
        }
        if (_listener is { } listener)
        {
            foreach (var notice in notices)
            {
                if (notice.Name is not null)
                {
                    listener.DirectoryChangedElsewhere(notice.Ino);
                }
                else
                {
                    listener.InodeChangedElsewhere(notice.Ino);
                }
            }
        }
        _inbox.Writer.TryWrite(notices);
    }

    public void InvalidateHere(ulong ino) => _inbox.Writer.TryWrite([new Notice(ino, null)]);

    public void InodeChanged(ulong ino) =>
        _outbox.Writer.TryWrite("i|" + ino.ToString(CultureInfo.InvariantCulture));

    public void EntryChanged(ulong parent, string name) =>
        _outbox.Writer.TryWrite($"e|{parent.ToString(CultureInfo.InvariantCulture)}|{name}");

    /// <summary>
    /// How long the sender gathers notices after the first one before it publishes. Without it a
    /// single process creating files published one message per create (measured: 2,000 PUBLISH
    /// for 2,000 creates), each costing Redis a send and every mount, this one included, a
    /// receive and a decode. 5 ms is nothing next to close-to-open (the next open on another
    /// node) and gathers a few to a few hundred notices per message.
    /// </summary>
    internal static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Publishes the notices gathered within <see cref="GatherDelay"/>, once each, then waits for more.</summary>
    private async Task SendAsync()
    {
        var reader = _outbox.Reader;
        var batch = new System.Text.StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.Delay(GatherDelay).ConfigureAwait(false);
            while (reader.TryPeek(out _))
            {
                batch.Clear().Append(_clientId);
                seen.Clear();
                // Up to 256 notices per message keeps one message well under a few KiB.
                while (seen.Count < 256 && reader.TryRead(out var notice))
                {
                    if (seen.Add(notice))
                    {
                        batch.Append('\0').Append(notice);
                    }
                }
                try
                {
                    _redis.GetSubscriber().Publish(_channel, batch.ToString(), CommandFlags.FireAndForget);
                }
                catch (RedisException ex)
                {
                    Log.ChangeFeedFailed(_logger, _world, ex.Message);
                }
            }
        }
    }

    private void Notify()
    {
        var reader = _inbox.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var notices))
            {
                Apply(notices);
            }
        }
    }

    /// <summary>One decoded notice: an inode (Name null) or an entry of directory Ino.</summary>
    internal readonly record struct Notice(ulong Ino, string? Name);

    internal static string Encode(string clientId, IEnumerable<Notice> notices) =>
        string.Concat(new[] { clientId }.Concat(notices.Select(n => n.Name is null
            ? "\0i|" + n.Ino.ToString(CultureInfo.InvariantCulture)
            : "\0e|" + n.Ino.ToString(CultureInfo.InvariantCulture) + "|" + n.Name)));

    /// <summary>Decodes a message; throws FormatException for anything malformed.</summary>
    internal static (string ClientId, List<Notice> Notices) Decode(string message)
    {
        var lines = message.Split('\0');
        var notices = new List<Notice>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            // A name may contain '|' or a newline (never NUL or '/'): split at most twice.
            var parts = lines[i].Split('|', 3);
            if (parts.Length < 2 || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ino))
            {
                throw new FormatException("malformed notice");
            }
            notices.Add(parts[0] switch
            {
                "i" when parts.Length == 2 => new Notice(ino, null),
                "e" when parts.Length == 3 && parts[2].Length > 0 => new Notice(ino, parts[2]),
                _ => throw new FormatException("unknown notice kind"),
            });
        }
        return (lines[0], notices);
    }

    private void Apply(List<Notice> notices)
    {
        var session = _session;
        if (session is null)
        {
            return;
        }
        foreach (var notice in notices)
        {
            if (notice.Name is null)
            {
                session.InvalidateInode(notice.Ino);
            }
            else
            {
                session.InvalidateEntry(notice.Ino, notice.Name);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionFailed -= OnConnectionChanged;
        _redis.ConnectionRestored -= OnConnectionChanged;
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel).ConfigureAwait(false);
        }
        catch (RedisException)
        {
        }
        _inbox.Writer.TryComplete();
        _outbox.Writer.TryComplete();
        _notifier?.Join(TimeSpan.FromSeconds(5));
        if (_sender is not null)
        {
            await _sender.ConfigureAwait(false);
        }
    }
}
