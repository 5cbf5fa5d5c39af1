using System.Diagnostics;
using System.Text;
using Chronos.Hypervisor.Storage;
using Chronos.Testing;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// The script lane against a real redis-server: the same results as StackExchange.Redis gives for
/// the same call, server errors as RedisServerException, and a server that dies, hangs or comes
/// back costs the calls in flight an exception and nothing more.
/// </summary>
public sealed class ScriptLaneTests
{
    private const string Shapes = """
        if ARGV[1] == 'error' then return redis.error_reply('ERR chosen failure') end
        return { 1, -7, 'text', KEYS[1], ARGV[2], {}, { 'nested', { 42, false } }, redis.status_reply('FINE'), false, #ARGV }
        """;

    [Fact]
    public async Task Replies_are_those_StackExchange_Redis_gives()
    {
        await using var setup = await Setup.StartAsync();
        var (redis, lane) = (setup.Redis, setup.Lane);
        var sha = await LoadAsync(redis, Shapes);
        var binary = new byte[] { 0, 13, 10, 255, (byte)'$', (byte)'*' };
        RedisKey[] keys = ["k\r\n{x}"];
        RedisValue[] args = ["ok", binary, 12345L, "é"];

        var expected = await redis.GetDatabase().ScriptEvaluateAsync(Convert.FromHexString(Encoding.ASCII.GetString(sha)), keys, args);
        var actual = await lane.TryEvaluate(sha, keys, args)!;
        Assert.Equal(RespReaderTests.Show(expected), RespReaderTests.Show(actual));

        var error = await Assert.ThrowsAsync<RedisServerException>(() => lane.TryEvaluate(sha, keys, ["error"])!);
        Assert.Equal("ERR chosen failure", error.Message);
        var noScript = await Assert.ThrowsAsync<RedisServerException>(() => lane.TryEvaluate(Encoding.ASCII.GetBytes(new string('0', 40)), keys, [])!);
        Assert.StartsWith("NOSCRIPT", noScript.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_concurrent_calls_each_get_their_own_reply()
    {
        await using var setup = await Setup.StartAsync();
        var lane = setup.Lane;
        var sha = await LoadAsync(setup.Redis, "return { KEYS[1], ARGV[1] }");
        var calls = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            var reply = (RedisResult[])(await lane.TryEvaluate(sha, ["key" + i], ["value" + i])!)!;
            Assert.Equal("key" + i, (string?)reply[0]);
            Assert.Equal("value" + i, (string?)reply[1]);
        }));
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task Large_requests_are_left_to_StackExchange_Redis()
    {
        await using var setup = await Setup.StartAsync();
        Assert.Null(setup.Lane.TryEvaluate(new byte[40], ["k"], [new byte[ScriptLane.MaxRequestBytes]]));
    }

    [Fact]
    public async Task A_killed_server_fails_the_calls_and_a_restarted_one_serves_the_next()
    {
        await using var setup = await Setup.StartAsync();
        var (server, lane) = (setup.Server, setup.Lane);
        var sha = await LoadAsync(setup.Redis, "return 1");
        Assert.Equal(1, (int)await lane.TryEvaluate(sha, ["k"], [])!);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<RedisException>(() => lane.TryEvaluate(sha, ["k"], [])!);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"failing took {clock.Elapsed}");

        await server.StartAsync();
        // The scripts went with the old process: load again (as ScriptRunner does on NOSCRIPT).
        await using (var again = await server.ConnectAsync())
        {
            await LoadAsync(again, "return 1");
        }
        Assert.Equal(1, (int)await lane.TryEvaluate(sha, ["k"], [])!);
    }

    [Fact]
    public async Task A_hung_server_fails_the_calls_within_the_timeout()
    {
        await using var setup = await Setup.StartAsync();
        var (server, lane) = (setup.Server, setup.Lane);
        var sha = await LoadAsync(setup.Redis, "return 1");
        Assert.Equal(1, (int)await lane.TryEvaluate(sha, ["k"], [])!);
        var pid = server.ProcessId;
        await ProcessRunner.BashAsync($"kill -STOP {pid}");
        try
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAsync<RedisTimeoutException>(() => lane.TryEvaluate(sha, ["k"], [])!);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(9));
        }
        finally
        {
            await ProcessRunner.BashAsync($"kill -CONT {pid}");
        }
        Assert.Equal(1, (int)await lane.TryEvaluate(sha, ["k"], [])!);
    }

    [Fact]
    public async Task A_password_in_the_connection_string_is_sent_first()
    {
        await using var server = await RedisServer.StartAsync();
        await using (var admin = await server.ConnectAsync())
        {
            await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", "s3cret");
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            Microsoft.Extensions.Hosting.RedisConnectionOptions.For($"{server.ConnectionString},password=s3cret,defaultDatabase=3"));
        var lane = ScriptLane.For(redis)!;
        var sha = await LoadAsync(redis, "redis.call('SET', KEYS[1], 'v') return 1");
        Assert.Equal(1, (int)await lane.TryEvaluate(sha, ["in-three"], [])!);
        Assert.Equal("v", (string?)await redis.GetDatabase(3).StringGetAsync("in-three"));
        Assert.False(await redis.GetDatabase(0).KeyExistsAsync("in-three"));
    }

    [Theory]
    [InlineData("127.0.0.1:1", true)]
    [InlineData("redis.example:6380,password=x,defaultDatabase=2", true)]
    [InlineData("127.0.0.1:1,ssl=true", false)]
    [InlineData("127.0.0.1:1,127.0.0.1:2", false)]
    [InlineData("127.0.0.1:1,serviceName=main", false)]
    [InlineData("127.0.0.1:1,proxy=envoyproxy", false)]
    public void Only_one_plain_endpoint_gets_a_lane(string configuration, bool handled) =>
        Assert.Equal(handled, ScriptLane.Handles(ConfigurationOptions.Parse(configuration)));

    /// <summary>The SHA1 of <paramref name="script"/> as EVALSHA takes it (hex, ASCII), after loading it.</summary>
    private static async Task<byte[]> LoadAsync(IConnectionMultiplexer redis, string script) =>
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower((byte[])(await redis.GetServers()[0].ScriptLoadAsync(script))));

    /// <summary>A redis-server, a connection to it as the services make theirs, and its lane.</summary>
    private sealed record Setup(RedisServer Server, ConnectionMultiplexer Redis, ScriptLane Lane) : IAsyncDisposable
    {
        public static async Task<Setup> StartAsync()
        {
            var server = await RedisServer.StartAsync();
            var redis = await server.ConnectAsync();
            return new Setup(server, redis, ScriptLane.For(redis) ?? throw new InvalidOperationException("no lane for a plain endpoint"));
        }

        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
