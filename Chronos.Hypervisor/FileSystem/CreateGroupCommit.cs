using System.Collections.Concurrent;
using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// Group commit for creates (mknod, mkdir, symlink) of one world: creates that callers issue while
/// earlier ones are on their way to Redis wait in a queue and go out together in one call of
/// mknod.lua, which applies and audits each as its own unit with its own reply. A lone caller never
/// waits: with fewer than <see cref="MaxInFlight"/> calls out, a create is sent at once, alone.
/// Why: a create alone costs Redis about 12 redis.call plus the EVALSHA itself; in a batch the
/// per-parent and per-batch work is done once, so a create costs about three calls, and the client
/// sends one message instead of dozens.
/// </summary>
internal sealed class CreateGroupCommit(ScriptRunner scripts, Keys keys, int maxInFlight = CreateGroupCommit.MaxInFlight)
{
    /// <summary>Creates per script call. 64 covers a full round of 64 concurrent FUSE requests.</summary>
    public const int MaxBatch = 64;

    /// <summary>Script calls out at once: two lets one batch fill while the other is served.</summary>
    public const int MaxInFlight = 2;

    private readonly ConcurrentQueue<PendingCreate> _queue = new();
    private readonly RedisKey[] _worldKeys = [keys.Meta, keys.Usage, keys.Audit, keys.NextIno];
    private int _inFlight;

    /// <summary>The outcome of one create and, when it succeeded and asked for them, its parent's attributes after the batch.</summary>
    public Task<CreateReply> CreateAsync(CreateRequest request)
    {
        if (_queue.IsEmpty && Interlocked.CompareExchange(ref _inFlight, 1, 0) == 0)
        {
            // Nothing out and nothing waiting: this create goes alone, and its caller resumes
            // straight from the reply (no hand-over through a completion source: one thread-pool
            // hop less on the latency of every lone create).
            return SendAloneAsync(request);
        }
        var pending = new PendingCreate(request, new(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        Flush();
        return pending.Reply!.Task;
    }

    private async Task<CreateReply> SendAloneAsync(CreateRequest request)
    {
        var call = new MknodCall([request], keys, _worldKeys);
        RedisResult[] reply;
        try
        {
            reply = await scripts.RunAsync(Scripts.Mknod, call.Keys, call.Args);
        }
        finally
        {
            Release();
        }
        return call.Outcomes(reply)[0];
    }

    /// <summary>A call is back: its slot goes to the queued creates before its own callers are answered, so Redis has the next batch while this one's replies are read.</summary>
    private void Release()
    {
        Interlocked.Decrement(ref _inFlight);
        Flush();
    }

    /// <summary>
    /// Sends queued creates while fewer than maxInFlight calls are out. Called after every enqueue
    /// and every completed call, so no create is left behind.
    /// A slot is taken by incrementing the count and given back when that overshoots. Two callers
    /// can overshoot together while a third frees a slot and, seeing their increments, backs off
    /// too; so whoever gives back an overshoot and finds a slot free tries again (without that,
    /// queued creates waited forever: the bench hung once in three runs with one call in flight).
    /// </summary>
    private void Flush()
    {
        while (!_queue.IsEmpty)
        {
            if (Interlocked.Increment(ref _inFlight) > maxInFlight)
            {
                if (Interlocked.Decrement(ref _inFlight) >= maxInFlight)
                {
                    return;
                }
                continue;
            }
            var batch = new List<PendingCreate>(Math.Min(_queue.Count, MaxBatch));
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count == 0)
            {
                Interlocked.Decrement(ref _inFlight);
                continue;
            }
            _ = SendAsync(batch);
        }
    }

    private async Task SendAsync(List<PendingCreate> batch)
    {
        try
        {
            var call = new MknodCall(batch.ConvertAll(p => p.Request), keys, _worldKeys);
            RedisResult[] reply;
            try
            {
                reply = await scripts.RunAsync(Scripts.Mknod, call.Keys, call.Args);
            }
            finally
            {
                Release();
            }
            var outcomes = call.Outcomes(reply);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Reply!.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex)
        {
            // Redis unreachable or the call failed as a whole: every create of it fails as it
            // would have alone (the caller maps the exception to EIO).
            foreach (var pending in batch)
            {
                pending.Reply!.TrySetException(ex);
            }
        }
    }

    /// <summary>A create: what it asks for, and where a queued create's reply goes (none for a lone create, whose caller awaits the call itself).</summary>
    private sealed record PendingCreate(CreateRequest Request, TaskCompletionSource<CreateReply>? Reply);
}
