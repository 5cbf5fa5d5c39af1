using System.Collections.Concurrent;
using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// Group commit for creates (mknod, mkdir, symlink) of one world: creates that callers issue while
/// earlier ones are on their way to Redis wait in a queue and go out together in one call of
/// mknod.lua, which applies and audits each as its own unit with its own reply. A lone caller never
/// waits: with no call out, a create is sent at once, alone.
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

    /// <summary>
    /// Creates that must be waiting before a call goes out behind one already out: half a full
    /// batch. With 64 callers the calls then alternate in halves of 32; with 8 they go in turns,
    /// each batch filled while the last is out. (Measured, 64 callers: with no minimum, a batch of
    /// ~48 alternated with batches of 1 or 2; with 8, with batches of 8; 64 stalled in rounds.)
    /// </summary>
    public const int MinBatchBehind = MaxBatch / 2;

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
        MknodCall call;
        RedisResult[] reply;
        try
        {
            call = new MknodCall([request], keys, _worldKeys);
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
    /// Sends queued creates: at once when no call is out; behind a call that is out only when at
    /// least <see cref="MinBatchBehind"/> wait, else they go when that call comes back. Called after
    /// every enqueue and every completed call, so no create is left behind.
    /// Why the minimum: sent as soon as a slot was free, the first callers back from a batch went
    /// out in calls of one or two, each paying the whole per-call cost (about 185,000 Redis
    /// instructions, a create in a batch about 55,000: callgrind); 64 callers made 56-72,000
    /// creates/s that way and 76,000/s with the minimum.
    /// A slot is taken by incrementing the count and given back when it may not be used. Two
    /// callers can overshoot together while a third frees a slot and, seeing their increments,
    /// backs off too; so whoever gives a slot back and finds that it could have sent tries again
    /// (without that, queued creates waited forever: the bench hung once with one call in flight).
    /// </summary>
    private void Flush()
    {
        while (!_queue.IsEmpty)
        {
            var taken = Interlocked.Increment(ref _inFlight);
            if (taken > maxInFlight || (taken > 1 && _queue.Count < MinBatchBehind))
            {
                var others = Interlocked.Decrement(ref _inFlight);
                if (others > 0 && (others >= maxInFlight || _queue.Count < MinBatchBehind))
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
            MknodCall call;
            RedisResult[] reply;
            try
            {
                call = new MknodCall(batch.ConvertAll(p => p.Request), keys, _worldKeys);
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
