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

    /// <summary>Script arguments per <see cref="CreateProfile"/>.</summary>
    private const int ValuesPerProfile = 9;

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
        try
        {
            return (await CallAsync([new PendingCreate(request, Reply: null)]))[0];
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
        // What creates share is sent once: each parent's keys, and each profile (everything but
        // the name); each create is then only its name, in runs of one profile.
        var parents = new List<ulong>(1);
        var profiles = new List<CreateProfile>(1);
        var runs = new List<(int Profile, int Count)>(1);
        foreach (var pending in batch)
        {
            var profile = pending.Request.Profile;
            var f = profiles.IndexOf(profile);
            if (f < 0)
            {
                f = profiles.Count;
                profiles.Add(profile);
                if (!parents.Contains(profile.Parent))
                {
                    parents.Add(profile.Parent);
                }
            }
            if (runs.Count > 0 && runs[^1].Profile == f)
            {
                runs[^1] = (f, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((f, 1));
            }
        }
        var keyList = new RedisKey[_worldKeys.Length + 3 * parents.Count];
        _worldKeys.CopyTo(keyList, 0);
        for (var p = 0; p < parents.Count; p++)
        {
            keyList[_worldKeys.Length + 3 * p] = keys.Inode(parents[p]);
            keyList[_worldKeys.Length + 3 * p + 1] = keys.Dir(parents[p]);
            keyList[_worldKeys.Length + 3 * p + 2] = keys.DirSeq(parents[p]);
        }
        var args = new RedisValue[2 + ValuesPerProfile * profiles.Count + 2 * runs.Count + batch.Count];
        args[0] = profiles.Count;
        args[1] = batch.Count;
        var a = 2;
        foreach (var profile in profiles)
        {
            args[a++] = parents.IndexOf(profile.Parent) + 1;
            args[a++] = profile.Session;
            args[a++] = profile.Op;
            args[a++] = profile.Mode;
            args[a++] = profile.Uid;
            args[a++] = profile.Gid;
            args[a++] = profile.Rdev;
            args[a++] = profile.Target;
            args[a++] = profile.WantParent ? "1" : "0";
        }
        var next = 0;
        foreach (var (profile, count) in runs)
        {
            args[a++] = profile + 1;
            args[a++] = count;
            for (var i = 0; i < count; i++)
            {
                args[a++] = batch[next++].Request.Name;
            }
        }

        var reply = await scripts.RunAsync(Scripts.Mknod, keyList, args);
        var time = (long)reply[0];
        var created = 1 + 2 * profiles.Count;
        var afterCreates = created + batch.Count;
        var parentAttributes = new InodeAttributes?[parents.Count];
        for (var p = 0; p < parents.Count; p++)
        {
            if (reply[afterCreates + p].Resp2Type == ResultType.Array)
            {
                parentAttributes[p] = InodeFields.Parse(parents[p], (RedisResult[])reply[afterCreates + p]!);
            }
        }
        var result = new CreateReply[batch.Count];
        next = 0;
        foreach (var (profile, count) in runs)
        {
            var mode = (uint)(long)reply[1 + 2 * profile];
            var gid = (uint)(long)reply[2 + 2 * profile];
            var parent = profiles[profile].WantParent ? parentAttributes[parents.IndexOf(profiles[profile].Parent)] : null;
            for (var i = 0; i < count; i++, next++)
            {
                var outcome = (long)reply[created + next];
                result[next] = outcome > 0
                    ? new CreateReply(Errno.None, (ulong)outcome, time, mode, gid, parent)
                    : new CreateReply((Errno)(-outcome), 0, 0, 0, 0, null);
            }
        }
        return result;
    }

    /// <summary>A create: what it asks for, and where a queued create's reply goes (none for a lone create, whose caller awaits the call itself).</summary>
    private sealed record PendingCreate(CreateRequest Request, TaskCompletionSource<CreateReply>? Reply);
}

/// <summary>
/// What a create shares with the creates of other callers in the same batch, as mknod.lua takes it:
/// everything but the name. Mode carries the type bits; Target is the symlink target, else "".
/// </summary>
internal readonly record struct CreateProfile(ulong Parent, string Session, string Op, uint Mode, uint Uid, uint Gid, ulong Rdev, string Target, bool WantParent);

/// <summary>One create for <see cref="CreateGroupCommit"/>.</summary>
internal readonly record struct CreateRequest(CreateProfile Profile, string Name);

/// <summary>
/// One create's outcome from mknod.lua: on success the new inode, the time (ns) it and its parent
/// got, its mode and gid (a set-group-ID parent changes them) and, when asked for, the parent's
/// attributes after the batch.
/// </summary>
internal readonly record struct CreateReply(Errno Error, ulong Ino, long TimeNs, uint Mode, uint Gid, InodeAttributes? Parent);
