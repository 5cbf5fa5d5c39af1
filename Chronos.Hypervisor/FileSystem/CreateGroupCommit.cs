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
internal sealed class CreateGroupCommit(ScriptRunner scripts, Keys keys)
{
    /// <summary>Creates per script call. 64 covers a full round of 64 concurrent FUSE requests.</summary>
    public const int MaxBatch = 64;

    /// <summary>Script calls out at once: two lets one batch fill while the other is served.</summary>
    public const int MaxInFlight = 2;

    private const int ArgsPerCreate = 10;

    private readonly ConcurrentQueue<PendingCreate> _queue = new();
    private readonly RedisKey[] _worldKeys = [keys.Meta, keys.Usage, keys.Audit, keys.NextIno];
    private int _inFlight;

    /// <summary>
    /// The reply of mknod.lua for this one create ({0, ino, time, mode, gid[, k]} or {errno}) and,
    /// when the create succeeded and its last argument asked for them, the parent's attributes
    /// after the batch.
    /// </summary>
    public Task<CreateReply> CreateAsync(ulong parent, RedisValue[] args)
    {
        if (_queue.IsEmpty && Interlocked.CompareExchange(ref _inFlight, 1, 0) == 0)
        {
            // Nothing out and nothing waiting: this create goes alone, and its caller resumes
            // straight from the reply (no hand-over through a completion source: one thread-pool
            // hop less on the latency of every lone create).
            return SendAloneAsync(parent, args);
        }
        var pending = new PendingCreate(parent, args, new(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        Flush();
        return pending.Reply!.Task;
    }

    private async Task<CreateReply> SendAloneAsync(ulong parent, RedisValue[] args)
    {
        try
        {
            return (await CallAsync([new PendingCreate(parent, args, Reply: null)]))[0];
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Flush();
        }
    }

    /// <summary>Sends queued creates while fewer than <see cref="MaxInFlight"/> calls are out. Called
    /// after every enqueue and every completed call, so no create is left behind: whichever of the
    /// two happens last sees the other's effect (both are full fences).</summary>
    private void Flush()
    {
        while (!_queue.IsEmpty)
        {
            if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                return;
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
            var replies = await CallAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Reply!.TrySetResult(replies[i]);
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
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Flush();
        }
    }

    /// <summary>One call of mknod.lua for <paramref name="batch"/>: each create's reply, in order.</summary>
    private async Task<CreateReply[]> CallAsync(IReadOnlyList<PendingCreate> batch)
    {
        var keyList = new RedisKey[_worldKeys.Length + 3 * batch.Count];
        var args = new RedisValue[ArgsPerCreate * batch.Count];
        _worldKeys.CopyTo(keyList, 0);
        for (var i = 0; i < batch.Count; i++)
        {
            var parent = batch[i].Parent;
            var k = _worldKeys.Length + 3 * i;
            if (i > 0 && batch[i - 1].Parent == parent)
            {
                // Creates in a batch mostly share a parent: its key strings are built once.
                Array.Copy(keyList, k - 3, keyList, k, 3);
            }
            else
            {
                keyList[k] = keys.Inode(parent);
                keyList[k + 1] = keys.Dir(parent);
                keyList[k + 2] = keys.DirSeq(parent);
            }
            batch[i].Args.CopyTo(args, ArgsPerCreate * i);
        }
        var replies = await scripts.RunAsync(Scripts.Mknod, keyList, args);
        // Parents' attributes follow the replies, one per parent some create asked them for;
        // parsed once for all the creates they answer.
        var parents = new InodeAttributes[replies.Length - batch.Count];
        for (var k = 0; k < parents.Length; k++)
        {
            var entry = (RedisResult[])replies[batch.Count + k]!;
            parents[k] = InodeFields.Parse((ulong)entry[0], (RedisResult[])entry[1]!);
        }
        var result = new CreateReply[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var reply = (RedisResult[])replies[i]!;
            result[i] = new CreateReply(reply, reply.Length > 5 ? parents[(int)reply[5] - 1] : null);
        }
        return result;
    }

    /// <summary>A create: its parent, its script arguments, and where a queued create's reply goes (none for a lone create, whose caller awaits the call itself).</summary>
    private sealed record PendingCreate(ulong Parent, RedisValue[] Args, TaskCompletionSource<CreateReply>? Reply);
}

/// <summary>One create's reply from mknod.lua, and its parent's attributes after the batch when they were asked for.</summary>
internal readonly record struct CreateReply(RedisResult[] Reply, InodeAttributes? Parent);
