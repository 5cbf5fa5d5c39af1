using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Storage;

/// <summary>
/// A connection of its own for the scripts that change worlds (EVALSHA): the request is written
/// to the socket by the caller's thread, and the reply is parsed and its caller resumed by the
/// thread the socket's receive completes on. StackExchange.Redis hands every call across two or
/// three threads (its send loop, its reader, the continuation); in a FUSE mount that is three
/// wake-ups per create on top of the kernel's own, measured with bench/Chronos.Bench/fuse-cpu.sh:
/// 12–13 context switches of the mount per create through StackExchange.Redis, 7 through a lane.
/// <para>
/// Used only where it is plainly equivalent: one endpoint, no TLS, no sentinel, requests up to
/// <see cref="MaxRequestBytes"/> (everything else goes through StackExchange.Redis, which also
/// keeps reads, pub/sub and script loading). Replies match one to one with requests in the order
/// they were written, so a connection that fails, closes, or leaves a request unanswered past the
/// timeout (5 s, as every Chronos connection) is closed, every call on it fails
/// (<see cref="RedisConnectionException"/> or <see cref="RedisTimeoutException"/>, EIO for FUSE),
/// and the next call connects anew.
/// </para>
/// <para>
/// Callers resume on the receiving thread only in processes that opted in
/// (<see cref="HypervisorSwitches.InlineReplies"/>: mount hosts, where nothing run from a reply blocks);
/// elsewhere they resume on the thread pool, as with StackExchange.Redis.
/// </para>
/// </summary>
internal sealed class ScriptLane
{
    /// <summary>Larger requests (content writes) go through StackExchange.Redis: a blocking send of megabytes must not hold the lane.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    private static readonly ConditionalWeakTable<IConnectionMultiplexer, ScriptLane?> Lanes = new();

    private readonly EndPoint _endpoint;
    private readonly string? _user;
    private readonly string? _password;
    private readonly int _database;
    private readonly TimeSpan _timeout;
    private readonly bool _inline;
    private readonly Lock _lock = new();
    private Task<LaneConnection>? _connection;

    private ScriptLane(EndPoint endpoint, ConfigurationOptions options)
    {
        _endpoint = endpoint;
        _user = options.User;
        _password = options.Password;
        _database = options.DefaultDatabase ?? 0;
        _timeout = TimeSpan.FromMilliseconds(Math.Max(1000, Math.Min(options.AsyncTimeout, options.SyncTimeout)));
        _inline = AppContext.TryGetSwitch(HypervisorSwitches.InlineReplies, out var inline) && inline;
    }

    /// <summary>The lane of <paramref name="redis"/>'s server, or null when its configuration is one a lane does not handle.</summary>
    public static ScriptLane? For(IConnectionMultiplexer redis) => Lanes.GetValue(redis, Create);

    private static ScriptLane? Create(IConnectionMultiplexer redis)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(redis.Configuration);
        }
        catch (ArgumentException)
        {
            return null;
        }
        return Handles(options) ? new ScriptLane(options.EndPoints[0], options) : null;
    }

    /// <summary>One plain endpoint: no TLS, no sentinel, no proxy.</summary>
    public static bool Handles(ConfigurationOptions options) =>
        !options.Ssl && options.ServiceName is null && options.Proxy == Proxy.None && options.EndPoints.Count == 1;

    /// <summary>EVALSHA of <paramref name="shaHex"/>; null when the request is too large for the lane (the caller sends it another way).</summary>
    public Task<RedisResult>? TryEvaluate(byte[] shaHex, RedisKey[] keys, RedisValue[] args)
    {
        var request = RespWriter.EvalSha(shaHex, keys, args, MaxRequestBytes);
        if (request is null)
        {
            return null;
        }
        var connection = Volatile.Read(ref _connection);
        if (connection is { IsCompletedSuccessfully: true } && !connection.Result.Failed)
        {
            return connection.Result.SendAsync(request);
        }
        return SendAfterConnectAsync(request);
    }

    private async Task<RedisResult> SendAfterConnectAsync(byte[] request)
    {
        Task<LaneConnection> connecting;
        lock (_lock)
        {
            if (_connection is null || (_connection.IsCompleted && (!_connection.IsCompletedSuccessfully || _connection.Result.Failed)))
            {
                _connection = LaneConnection.OpenAsync(_endpoint, _user, _password, _database, _timeout, _inline);
            }
            connecting = _connection;
        }
        var connection = await connecting.ConfigureAwait(false);
        return await connection.SendAsync(request).ConfigureAwait(false);
    }
}

/// <summary>RESP requests as bytes.</summary>
internal static class RespWriter
{
    private static readonly byte[] EvalShaCommand = "$7\r\nEVALSHA\r\n"u8.ToArray();

    /// <summary>EVALSHA sha numkeys keys... args..., or null when it would exceed <paramref name="limit"/> bytes.</summary>
    public static byte[]? EvalSha(byte[] shaHex, RedisKey[] keys, RedisValue[] args, int limit)
    {
        var writer = new ArrayBufferWriter<byte>(512);
        Header(writer, '*', 3 + keys.Length + args.Length);
        writer.Write(EvalShaCommand);
        Bulk(writer, shaHex);
        Span<byte> number = stackalloc byte[20];
        Utf8Formatter.TryFormat(keys.Length, number, out var n);
        Bulk(writer, number[..n]);
        foreach (var key in keys)
        {
            Bulk(writer, (byte[]?)key ?? []);
            if (writer.WrittenCount > limit)
            {
                return null;
            }
        }
        foreach (var arg in args)
        {
            Bulk(writer, arg);
            if (writer.WrittenCount > limit)
            {
                return null;
            }
        }
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Command(params string[] parts)
    {
        var writer = new ArrayBufferWriter<byte>(64);
        Header(writer, '*', parts.Length);
        foreach (var part in parts)
        {
            Bulk(writer, System.Text.Encoding.UTF8.GetBytes(part));
        }
        return writer.WrittenSpan.ToArray();
    }

    private static void Bulk(ArrayBufferWriter<byte> writer, RedisValue value)
    {
        // Integers and doubles as StackExchange.Redis sends them (invariant text); blobs and
        // strings as their bytes. Written in place: no array per argument.
        var length = value.IsNull ? 0 : value.GetByteCount();
        Header(writer, '$', length);
        if (length > 0)
        {
            value.CopyTo(writer.GetSpan(length));
            writer.Advance(length);
        }
        writer.Write("\r\n"u8);
    }

    private static void Bulk(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        Header(writer, '$', value.Length);
        writer.Write(value);
        writer.Write("\r\n"u8);
    }

    private static void Header(ArrayBufferWriter<byte> writer, char type, int count)
    {
        var span = writer.GetSpan(16);
        span[0] = (byte)type;
        Utf8Formatter.TryFormat(count, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        writer.Advance(3 + written);
    }
}

/// <summary>One socket of a lane: requests in flight in the order written, and the loop that answers them.</summary>
internal sealed class LaneConnection
{
    private readonly Socket _socket;
    private readonly TimeSpan _timeout;
    private readonly bool _inline;
    private readonly Lock _lock = new();
    private readonly Queue<(TaskCompletionSource<RedisResult> Reply, long Sent)> _pending = new();
    private readonly Timer _watchdog;
    private Exception? _failure;

    private LaneConnection(Socket socket, TimeSpan timeout, bool inline)
    {
        _socket = socket;
        _timeout = timeout;
        _inline = inline;
        _watchdog = new Timer(_ => CheckOverdue(), null, timeout / 4, timeout / 4);
    }

    public bool Failed => Volatile.Read(ref _failure) is not null;

    public static async Task<LaneConnection> OpenAsync(EndPoint endpoint, string? user, string? password, int database, TimeSpan timeout, bool inline)
    {
        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            if (endpoint is DnsEndPoint dns)
            {
                await socket.ConnectAsync(dns.Host, dns.Port, cts.Token).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(endpoint, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"script lane: cannot connect to {endpoint}: {ex.Message}", ex);
        }
        // A send waits only while the kernel's buffer to Redis is full (megabytes unread: a hung
        // server); it gives up with the same timeout as a reply.
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        var connection = new LaneConnection(socket, timeout, inline);
        connection.Start();
        try
        {
            if (password is not null)
            {
                await Expect(connection, user is null ? RespWriter.Command("AUTH", password) : RespWriter.Command("AUTH", user, password)).ConfigureAwait(false);
            }
            if (database != 0)
            {
                await Expect(connection, RespWriter.Command("SELECT", database.ToString(System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            connection.Fail(ex);
            throw;
        }
        return connection;
    }

    private static async Task Expect(LaneConnection connection, byte[] command)
    {
        var reply = await connection.SendAsync(command).ConfigureAwait(false);
        if (reply.Resp2Type != ResultType.SimpleString)
        {
            throw new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, "script lane: connection setup refused: " + reply);
        }
    }

    public Task<RedisResult> SendAsync(byte[] request)
    {
        var reply = new TaskCompletionSource<RedisResult>(_inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? sendFailure = null;
        lock (_lock)
        {
            if (_failure is { } failure)
            {
                return Task.FromException<RedisResult>(failure);
            }
            _pending.Enqueue((reply, Stopwatch.GetTimestamp()));
            try
            {
                // Under the lock: the order of the queue is the order on the wire. Redis reads
                // whatever it is sent however many replies it owes, so this cannot wait on us.
                var span = request.AsSpan();
                while (span.Length > 0)
                {
                    span = span[_socket.Send(span)..];
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                sendFailure = new RedisConnectionException(ConnectionFailureType.SocketFailure, "script lane: send failed: " + ex.Message, ex);
            }
        }
        if (sendFailure is not null)
        {
            // Fails this request too: it is queued.
            Fail(sendFailure);
        }
        return reply.Task;
    }

    private void Start() => _ = Task.Run(ReadLoopAsync);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                var received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    Fail(new RedisConnectionException(ConnectionFailureType.SocketClosed, "script lane: the server closed the connection"));
                    return;
                }
                end += received;
                while (RespReader.TryRead(buffer.AsSpan(start, end - start), out var result, out var consumed))
                {
                    start += consumed;
                    Complete(result);
                }
                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException or InvalidOperationException)
        {
            Fail(ex as RedisException ?? new RedisConnectionException(ConnectionFailureType.SocketFailure, "script lane: " + ex.Message, ex));
        }
    }

    private void Complete(RedisResult result)
    {
        TaskCompletionSource<RedisResult> reply;
        lock (_lock)
        {
            if (!_pending.TryDequeue(out var head))
            {
                throw new InvalidOperationException("a reply nobody asked for");
            }
            reply = head.Reply;
        }
        if (result.Resp2Type == ResultType.Error)
        {
            reply.TrySetException(new RedisServerException(result.ToString() ?? "ERR"));
        }
        else
        {
            reply.TrySetResult(result);
        }
    }

    private void CheckOverdue()
    {
        long sent;
        lock (_lock)
        {
            if (_failure is not null || !_pending.TryPeek(out var head))
            {
                return;
            }
            sent = head.Sent;
        }
        if (Stopwatch.GetElapsedTime(sent) > _timeout)
        {
            Fail(new RedisTimeoutException($"script lane: no reply from Redis within {_timeout.TotalSeconds:0.#} s", CommandStatus.Sent));
        }
    }

    /// <summary>Closes the connection and fails every request on it; the lane's next call opens another.</summary>
    public void Fail(Exception failure)
    {
        (TaskCompletionSource<RedisResult> Reply, long Sent)[] pending;
        lock (_lock)
        {
            _failure ??= failure;
            pending = [.. _pending];
            _pending.Clear();
        }
        _watchdog.Dispose();
        _socket.Dispose();
        foreach (var (reply, _) in pending)
        {
            reply.TrySetException(_failure);
        }
    }
}
