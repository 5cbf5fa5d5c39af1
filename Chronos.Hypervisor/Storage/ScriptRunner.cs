using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Storage;

/// <summary>
/// Calls scripts by SHA (EVALSHA, or EVALSHA_RO for read-only ones, which replicas may serve).
/// A server that does not know a script (first call, restart, SCRIPT FLUSH) answers NOSCRIPT; the
/// script is then loaded on the node that owns the key's slot and the call repeated once.
/// </summary>
internal sealed class ScriptRunner(IConnectionMultiplexer redis, ILogger logger)
{
    public IConnectionMultiplexer Redis => redis;

    public IDatabase Database { get; } = redis.GetDatabase();

    public async Task<RedisResult[]> RunAsync(LuaScript script, RedisKey[] keys, RedisValue[] args, bool readOnly = false)
    {
        try
        {
            return await EvaluateAsync(script, keys, args, readOnly);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            var endpoint = await Database.IdentifyEndpointAsync(keys[0]);
            var server = endpoint is null ? redis.GetServers()[0] : redis.GetServer(endpoint);
            await server.ScriptLoadAsync(script.Text);
            Log.ScriptLoaded(logger, script.Name, Convert.ToHexStringLower(script.Sha1), server.EndPoint.ToString() ?? "?");
            return await EvaluateAsync(script, keys, args, readOnly);
        }
    }

    private async Task<RedisResult[]> EvaluateAsync(LuaScript script, RedisKey[] keys, RedisValue[] args, bool readOnly)
    {
        var result = readOnly
            ? await Database.ScriptEvaluateReadOnlyAsync(script.Sha1, keys, args)
            : await Database.ScriptEvaluateAsync(script.Sha1, keys, args);
        return (RedisResult[])result!;
    }
}
