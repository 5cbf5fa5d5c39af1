namespace Chronos.Hypervisor;

/// <summary>
/// Every Redis key Chronos uses. All keys of a world carry the hash tag <c>{world}</c>, so every
/// script of a world touches one slot and runs unchanged on Redis Cluster. The exceptions are
/// <see cref="Worlds"/>, the global set of world names (only catalog operations touch it, never a
/// script of a world), and the per-host mount requests (<see cref="MountRequests"/>).
/// </summary>
public sealed class Keys
{
    /// <summary>The set of world names (the one cross-slot key; catalog operations only).</summary>
    public const string Worlds = "chronos:worlds";

    /// <summary>Sorted set: world name by lease expiry (unix ms), the worlds the Gateway of
    /// <paramref name="host"/> wants its Chronos.Fuse to mount (Worlds.MountRequests).</summary>
    public static string MountRequests(string host) => "chronos:mounts:" + host;

    /// <summary>Pub/sub channel: a world name each time a mount of <paramref name="host"/> is requested or released.</summary>
    public static string MountNotices(string host) => "chronos:mounts:" + host + ":notices";

    private readonly string _prefix;

    public Keys(string world)
    {
        World = world;
        _prefix = "chronos:{" + world + "}:";
        Meta = _prefix + "meta";
        Usage = _prefix + "usage";
        Audit = _prefix + "audit";
        NextIno = _prefix + "next_ino";
        BlobRefs = _prefix + "blobref";
        Handles = _prefix + "handles";
        Orphans = _prefix + "orphans";
        Leases = _prefix + "leases";
        Limbo = _prefix + "limbo";
        Sessions = _prefix + "sessions";
    }

    public string World { get; }

    /// <summary>A glob matching every key of the world (world names hold no glob characters).</summary>
    public string Pattern => _prefix + "*";

    public string Prefix => _prefix;

    /// <summary>Hash: name, qb (quota bytes), qi (quota inodes), created (ns), lower, persona.</summary>
    public string Meta { get; }

    /// <summary>Hash: b (bytes: chunk bytes of every file plus xattr bytes), i (inodes).</summary>
    public string Usage { get; }

    /// <summary>Stream of audit events (fields s, o, i, t, n and op-specific ones).</summary>
    public string Audit { get; }

    /// <summary>Counter: the last inode number allocated.</summary>
    public string NextIno { get; }

    /// <summary>Hash: sha256 hex -> number of chunk entries naming that blob.</summary>
    public string BlobRefs { get; }

    /// <summary>Hash: ino -> open handles over all clients.</summary>
    public string Handles { get; }

    /// <summary>Set of inodes with nlink 0 kept alive by open handles.</summary>
    public string Orphans { get; }

    /// <summary>Hash: client id -> deadline (unix ms) of its handle lease: until then it may hold open handles not registered yet.</summary>
    public string Leases { get; }

    /// <summary>Sorted set: orphans without a registered handle, by the lease deadline after which they are freed unless opened.</summary>
    public string Limbo { get; }

    /// <summary>Sorted set: session id by start time (unix ms).</summary>
    public string Sessions { get; }

    /// <summary>Hash of short fields: m mode, n nlink, u, g, s size, b chunk bytes, x xattr bytes, r rdev,
    /// a/t/c atime/mtime/ctime (ns), p parent (directories), q last entry sequence (directories),
    /// z lazy, o origin, st content state, l symlink target. s, r, b and x may be absent: absent means 0.</summary>
    public string Inode(ulong ino) => _prefix + "inode:" + ino.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Hash: entry name -> ino.</summary>
    public string Dir(ulong ino) => _prefix + "dir:" + ino.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sorted set: entry name by insertion sequence (the readdir cookie).</summary>
    public string DirSeq(ulong ino) => _prefix + "dirseq:" + ino.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Xattr(ulong ino) => _prefix + "xattr:" + ino.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Hash: chunk index -> sha256 hex of its bytes.</summary>
    public string Chunks(ulong ino) => _prefix + "chunks:" + ino.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>String: one chunk's bytes (at most 64 KiB), named by its sha256.</summary>
    public string Blob(string sha256Hex) => _prefix + "blob:" + sha256Hex;

    /// <summary>Hash: ino -> open handles of one client.</summary>
    public string HandlesOf(string clientId) => _prefix + "handles:" + clientId;

    /// <summary>Hash: user, src, started, cwd, env (JSON), ended.</summary>
    public string Session(string id) => _prefix + "session:" + id;
}
