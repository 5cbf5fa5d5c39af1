using StackExchange.Redis;

namespace Chronos.Persona.Worlds;

/// <summary>
/// Single-flight for one ghost file across processes: a Redis key in the world's slot, taken with
/// SET NX PX and a random token, refreshed while the holder generates. Waiters poll the inode's
/// content state; a holder that dies stops refreshing, its key expires, and a waiter takes over.
/// </summary>
public sealed class GenerationLock(IConnectionMultiplexer redis)
{
    // Long enough to outlive a GC pause, short enough that a crashed holder delays readers little.
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(3);

    private const string RefreshScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private readonly IDatabase _db = redis.GetDatabase();

    /// <summary>
    /// Runs <paramref name="work"/> in exactly one process at a time until <paramref name="done"/>
    /// says the file is no longer a ghost; returns whether this call did the work, and whether it
    /// took over an expired lease.
    /// </summary>
    public async Task<(bool Worked, bool TookOver)> RunAsync(string world, ulong ino, Func<Task<bool>> done, Func<CancellationToken, Task> work, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(work);
        var key = new PersonaKeys(world).GenerationLock(ino);
        var token = Guid.NewGuid().ToString("N");
        var waited = false;
        var delay = TimeSpan.FromMilliseconds(20);
        var until = DateTimeOffset.UtcNow + deadline;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await done())
            {
                return (false, false);
            }
            if (await _db.StringSetAsync(key, token, Lease, When.NotExists))
            {
                try
                {
                    if (await done())
                    {
                        return (false, false);
                    }
                    using var refreshing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var refresher = RefreshAsync(key, token, refreshing.Token);
                    try
                    {
                        await work(cancellationToken);
                    }
                    finally
                    {
                        await refreshing.CancelAsync();
                        await refresher;
                    }
                    return (true, waited);
                }
                finally
                {
                    await _db.ScriptEvaluateAsync(ReleaseScript, [key], [token]);
                }
            }
            if (DateTimeOffset.UtcNow > until)
            {
                throw new TimeoutException($"ghost inode {ino} of world {world} still being generated after {deadline}");
            }
            waited = true;
            // A poll, not a sleep-as-synchronisation: the condition is re-checked on every turn.
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    private async Task RefreshAsync(string key, string token, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Refresh);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _db.ScriptEvaluateAsync(RefreshScript, [key], [token, (long)Lease.TotalMilliseconds]);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
