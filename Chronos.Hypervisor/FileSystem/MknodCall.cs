using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// One call of mknod.lua for a batch of creates: its keys and arguments, and the outcome of each
/// create read back from the script's reply. What creates share is sent once: each parent's keys,
/// and each <see cref="CreateProfile"/> (everything but the name); each create is then only its
/// name, in runs of one profile (Redis spends about 1,000 instructions per argument).
/// </summary>
internal sealed class MknodCall
{
    /// <summary>Script arguments per <see cref="CreateProfile"/>.</summary>
    private const int ValuesPerProfile = 9;

    private readonly List<ulong> _parents = new(1);
    private readonly List<CreateProfile> _profiles = new(1);
    private readonly List<int> _parentOf = new(1);
    private readonly List<(int Profile, int Count)> _runs = new(1);
    private readonly int _count;

    public MknodCall(IReadOnlyList<CreateRequest> creates, Keys keys, RedisKey[] worldKeys)
    {
        _count = creates.Count;
        foreach (var create in creates)
        {
            var f = _profiles.IndexOf(create.Profile);
            if (f < 0)
            {
                f = _profiles.Count;
                _profiles.Add(create.Profile);
                var parent = _parents.IndexOf(create.Profile.Parent);
                if (parent < 0)
                {
                    parent = _parents.Count;
                    _parents.Add(create.Profile.Parent);
                }
                _parentOf.Add(parent);
            }
            if (_runs.Count > 0 && _runs[^1].Profile == f)
            {
                _runs[^1] = (f, _runs[^1].Count + 1);
            }
            else
            {
                _runs.Add((f, 1));
            }
        }

        Keys = new RedisKey[worldKeys.Length + 3 * _parents.Count];
        worldKeys.CopyTo(Keys, 0);
        for (var p = 0; p < _parents.Count; p++)
        {
            Keys[worldKeys.Length + 3 * p] = keys.Inode(_parents[p]);
            Keys[worldKeys.Length + 3 * p + 1] = keys.Dir(_parents[p]);
            Keys[worldKeys.Length + 3 * p + 2] = keys.DirSeq(_parents[p]);
        }

        Args = new RedisValue[2 + ValuesPerProfile * _profiles.Count + 2 * _runs.Count + _count];
        Args[0] = _profiles.Count;
        Args[1] = _count;
        var a = 2;
        for (var f = 0; f < _profiles.Count; f++)
        {
            var profile = _profiles[f];
            Args[a++] = _parentOf[f] + 1;
            Args[a++] = profile.Session;
            Args[a++] = profile.Op;
            Args[a++] = profile.Mode;
            Args[a++] = profile.Uid;
            Args[a++] = profile.Gid;
            Args[a++] = profile.Rdev;
            Args[a++] = profile.Target;
            Args[a++] = profile.WantParent ? "1" : "0";
        }
        var next = 0;
        foreach (var (profile, count) in _runs)
        {
            Args[a++] = profile + 1;
            Args[a++] = count;
            for (var i = 0; i < count; i++)
            {
                Args[a++] = creates[next++].Name;
            }
        }
    }

    public RedisKey[] Keys { get; }

    public RedisValue[] Args { get; }

    /// <summary>Each create's outcome, in the order given, from the script's reply.</summary>
    public CreateReply[] Outcomes(RedisResult[] reply)
    {
        var time = (long)reply[0];
        var created = 1 + 2 * _profiles.Count;
        var afterCreates = created + _count;
        var parentAttributes = new InodeAttributes?[_parents.Count];
        for (var p = 0; p < _parents.Count; p++)
        {
            if (reply[afterCreates + p].Resp2Type == ResultType.Array)
            {
                parentAttributes[p] = InodeFields.Parse(_parents[p], (RedisResult[])reply[afterCreates + p]!);
            }
        }
        var outcomes = new CreateReply[_count];
        var next = 0;
        foreach (var (f, count) in _runs)
        {
            var profile = _profiles[f];
            var mode = (uint)(long)reply[1 + 2 * f];
            var gid = (uint)(long)reply[2 + 2 * f];
            var parent = profile.WantParent ? parentAttributes[_parentOf[f]] : null;
            for (var i = 0; i < count; i++, next++)
            {
                var outcome = (long)reply[created + next];
                outcomes[next] = outcome > 0
                    ? new CreateReply(Errno.None, (ulong)outcome, time, mode, gid, parent)
                    : new CreateReply((Errno)(-outcome), 0, 0, 0, 0, null);
            }
        }
        return outcomes;
    }
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
