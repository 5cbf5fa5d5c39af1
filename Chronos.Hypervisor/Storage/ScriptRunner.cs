using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Storage;

/// <summary>
/// Calls scripts by SHA (EVALSHA, or EVALSHA_RO for read-only ones, which replicas may serve).
/// A server that does not know a script (first call, restart, SCRIPT FLUSH) answers NOSCRIPT; the
/// script is then loaded on the node that owns the key's slot and the call repeated once.
/// Scripts that change state go through the server's <see cref="ScriptLane"/> when there is one
/// (fewer thread hand-overs per call), everything else through StackExchange.Redis.
/// </summary>
internal sealed class ScriptRunner(IConnectionMultiplexer redis, ILogger logger)
{
    private readonly ScriptLane? _lane = ScriptLane.For(redis);

    public IConnectionMultiplexer Redis => redis;

    public IDatabase Database { get; } = redis.GetDatabase();

    /// <summary>
    /// Runs <paramref name="script"/>. <paramref name="afterSent"/>: the call must reach Redis after
    /// the commands this process has already sent through StackExchange.Redis without waiting for
    /// their replies (blob uploads right in front of the script that uses them), so it takes the
    /// same connection, not the lane.
    /// </summary>
    public async Task<RedisResult[]> RunAsync(LuaScript script, RedisKey[] keys, RedisValue[] args, bool readOnly = false, bool afterSent = false)
    {
        var lane = readOnly || afterSent ? null : _lane;
        try
        {
            return await EvaluateAsync(script, keys, args, lane, readOnly);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            var endpoint = await Database.IdentifyEndpointAsync(keys[0]);
            var server = endpoint is null ? redis.GetServers()[0] : redis.GetServer(endpoint);
            await server.ScriptLoadAsync(script.Text);
            Log.ScriptLoaded(logger, script.Name, Convert.ToHexStringLower(script.Sha1), server.EndPoint.ToString() ?? "?");
            return await EvaluateAsync(script, keys, args, lane, readOnly);
        }
    }

    private async Task<RedisResult[]> EvaluateAsync(LuaScript script, RedisKey[] keys, RedisValue[] args, ScriptLane? lane, bool readOnly)
    {
        if (lane?.TryEvaluate(script.ShaHex, keys, args) is { } laneCall)
        {
            return (RedisResult[])(await laneCall)!;
        }
        var result = readOnly
            ? await Database.ScriptEvaluateReadOnlyAsync(script.Sha1, keys, args)
            : await Database.ScriptEvaluateAsync(script.Sha1, keys, args);
        return (RedisResult[])result!;
    }
}
