using System.Globalization;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Worlds;

/// <summary>
/// fsck: reads every key of a world and checks every invariant the scripts keep. It reads with
/// many commands, not one script (a script over a large world would block Redis), so run it on a
/// world nobody is changing, or expect transient reports.
/// </summary>
internal sealed class WorldChecker(IConnectionMultiplexer redis, Keys keys)
{
    private readonly IDatabase _db = redis.GetDatabase();
    private readonly List<string> _violations = [];

    private sealed class Inode
    {
        public required Dictionary<string, string> Fields { get; init; }
        public long Get(string field) => Fields.TryGetValue(field, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : 0;
        public uint Mode => (uint)Get("m");
        public bool IsDir => FileModes.KindOf(Mode) == FileKind.Directory;
    }

    public async Task<FsckReport> CheckAsync(CancellationToken ct)
    {
        var all = new List<string>();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(pattern: keys.Pattern, pageSize: 1000).WithCancellation(ct))
            {
                all.Add((string)key!);
            }
        }
        var meta = await _db.HashGetAllAsync(keys.Meta);
        if (meta.Length == 0)
        {
            _violations.Add("meta: world does not exist");
            return new FsckReport(keys.World, _violations, 0, 0);
        }

        var inodeKeys = Numbered(all, "inode:");
        var inodes = new Dictionary<ulong, Inode>();
        foreach (var (ino, fields) in inodeKeys.Zip(await Task.WhenAll(inodeKeys.Select(i => _db.HashGetAllAsync(keys.Inode(i))))))
        {
            inodes[ino] = new Inode { Fields = fields.ToDictionary(e => (string)e.Name!, e => (string)e.Value!) };
        }
        var dirs = new Dictionary<ulong, Dictionary<string, ulong>>();
        foreach (var ino in Numbered(all, "dir:"))
        {
            dirs[ino] = (await _db.HashGetAllAsync(keys.Dir(ino))).ToDictionary(e => (string)e.Name!, e => (ulong)e.Value);
        }
        var seqs = new Dictionary<ulong, SortedSetEntry[]>();
        foreach (var ino in Numbered(all, "dirseq:"))
        {
            seqs[ino] = await _db.SortedSetRangeByRankWithScoresAsync(keys.DirSeq(ino));
        }
        var chunks = new Dictionary<ulong, HashEntry[]>();
        foreach (var ino in Numbered(all, "chunks:"))
        {
            chunks[ino] = await _db.HashGetAllAsync(keys.Chunks(ino));
        }
        var xattrs = new Dictionary<ulong, HashEntry[]>();
        foreach (var ino in Numbered(all, "xattr:"))
        {
            xattrs[ino] = await _db.HashGetAllAsync(keys.Xattr(ino));
        }
        var blobs = new Dictionary<string, long>(StringComparer.Ordinal);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        var blobPrefix = keys.Blob("");
        foreach (var key in all.Where(k => k.StartsWith(blobPrefix, StringComparison.Ordinal)))
        {
            var sha = key[blobPrefix.Length..];
            blobs[sha] = await _db.StringLengthAsync(key);
            // An upload that no script has used yet carries a TTL (see Chunks.PendingUploadLifetime).
            if (await _db.KeyTimeToLiveAsync(key) is not null)
            {
                pending.Add(sha);
            }
        }
        var blobRefs = (await _db.HashGetAllAsync(keys.BlobRefs)).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        var handles = (await _db.HashGetAllAsync(keys.Handles)).ToDictionary(e => (ulong)e.Name, e => (long)e.Value);
        var clientPrefix = keys.HandlesOf("");
        var clientHandles = new Dictionary<ulong, long>();
        foreach (var key in all.Where(k => k.StartsWith(clientPrefix, StringComparison.Ordinal)))
        {
            foreach (var e in await _db.HashGetAllAsync(key))
            {
                if ((long)e.Value <= 0)
                {
                    _violations.Add($"{key}: inode {e.Name} has {e.Value} handles");
                }
                clientHandles[(ulong)e.Name] = clientHandles.GetValueOrDefault((ulong)e.Name) + (long)e.Value;
            }
        }
        var orphans = (await _db.SetMembersAsync(keys.Orphans)).Select(v => (ulong)v).ToHashSet();
        var limbo = (await _db.SortedSetRangeByRankAsync(keys.Limbo)).Select(v => (ulong)v).ToHashSet();
        var usage = (await _db.HashGetAllAsync(keys.Usage)).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        var nextIno = (long?)await _db.StringGetAsync(keys.NextIno) ?? 0;

        CheckTree(inodes, dirs, seqs);
        CheckContent(inodes, chunks, blobs, pending, blobRefs);
        CheckHandles(inodes, handles, clientHandles, orphans, limbo);
        CheckStrays(inodes, dirs, seqs, chunks, xattrs);

        long bytes = 0;
        foreach (var (ino, inode) in inodes)
        {
            var x = xattrs.TryGetValue(ino, out var attrs) ? attrs.Sum(e => (long)System.Text.Encoding.UTF8.GetByteCount((string)e.Name!) + ((byte[])e.Value!).Length) : 0;
            if (inode.Get("x") != x)
            {
                Add($"inode {ino}: xattr bytes field x = {inode.Get("x")}, attributes hold {x}");
            }
            bytes += inode.Get("b") + x;
        }
        if (usage.GetValueOrDefault("i") != inodes.Count)
        {
            Add($"usage: inodes counter {usage.GetValueOrDefault("i")}, world has {inodes.Count}");
        }
        if (usage.GetValueOrDefault("b") != bytes)
        {
            Add($"usage: bytes counter {usage.GetValueOrDefault("b")}, inodes hold {bytes}");
        }
        if (inodes.Count > 0 && nextIno < (long)inodes.Keys.Max())
        {
            Add($"next_ino {nextIno} is below the largest inode {inodes.Keys.Max()}");
        }
        return new FsckReport(keys.World, _violations, inodes.Count, chunks.Values.Sum(c => (long)c.Length));
    }

    private void CheckTree(Dictionary<ulong, Inode> inodes, Dictionary<ulong, Dictionary<string, ulong>> dirs, Dictionary<ulong, SortedSetEntry[]> seqs)
    {
        if (!inodes.TryGetValue(1, out var root) || !root.IsDir)
        {
            Add("inode 1: the root directory is missing");
        }
        else if (root.Get("p") != 1)
        {
            Add($"inode 1: root's parent is {root.Get("p")}, not itself");
        }
        var links = new Dictionary<ulong, int>();
        var parentOf = new Dictionary<ulong, List<ulong>>();
        foreach (var (dir, entries) in dirs)
        {
            if (!inodes.TryGetValue(dir, out var d) || !d.IsDir)
            {
                continue;
            }
            var seq = seqs.TryGetValue(dir, out var s) ? s : [];
            var seqNames = seq.Select(e => (string)e.Element!).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, ino) in entries)
            {
                if (!inodes.TryGetValue(ino, out var target))
                {
                    Add($"dir {dir}: entry '{name}' points at inode {ino}, which does not exist");
                    continue;
                }
                if (target.Get("n") == 0)
                {
                    Add($"dir {dir}: entry '{name}' points at inode {ino}, which is unlinked (nlink 0)");
                }
                if (!seqNames.Contains(name))
                {
                    Add($"dir {dir}: entry '{name}' has no readdir sequence number");
                }
                links[ino] = links.GetValueOrDefault(ino) + 1;
                if (target.IsDir)
                {
                    (parentOf.TryGetValue(ino, out var list) ? list : parentOf[ino] = []).Add(dir);
                }
            }
            foreach (var e in seq)
            {
                if (!entries.ContainsKey((string)e.Element!))
                {
                    Add($"dir {dir}: readdir sequence names '{e.Element}', which is not an entry");
                }
                if (e.Score < 3 || e.Score > d.Get("q"))
                {
                    Add($"dir {dir}: entry '{e.Element}' has sequence {e.Score} outside 3..{d.Get("q")}");
                }
            }
            if (seq.Select(e => e.Score).Distinct().Count() != seq.Length)
            {
                Add($"dir {dir}: two entries share a readdir sequence number");
            }
        }
        foreach (var (ino, inode) in inodes)
        {
            var count = links.GetValueOrDefault(ino);
            var nlink = inode.Get("n");
            if (inode.IsDir)
            {
                var subdirs = dirs.TryGetValue(ino, out var entries) ? entries.Values.Count(c => inodes.TryGetValue(c, out var ci) && ci.IsDir) : 0;
                if (ino == 1)
                {
                    if (count != 0)
                    {
                        Add($"inode 1: the root is linked {count} times from directories");
                    }
                }
                else if (nlink == 0)
                {
                    if (count != 0)
                    {
                        Add($"inode {ino}: removed directory still has {count} entries naming it");
                    }
                    continue;
                }
                else if (count != 1)
                {
                    Add($"inode {ino}: directory is named by {count} entries, not 1");
                }
                else if ((ulong)inode.Get("p") != parentOf[ino][0])
                {
                    Add($"inode {ino}: directory's parent field is {inode.Get("p")}, its entry is in {parentOf[ino][0]}");
                }
                if (nlink != 2 + subdirs)
                {
                    Add($"inode {ino}: directory nlink {nlink}, expected 2 + {subdirs} subdirectories");
                }
            }
            else if (nlink != count)
            {
                Add($"inode {ino}: nlink {nlink}, named by {count} entries");
            }
        }
        // Every directory must reach the root through parent fields (no cycles, no detached subtrees).
        foreach (var (ino, inode) in inodes.Where(i => i.Value.IsDir && i.Value.Get("n") > 0))
        {
            var seen = new HashSet<ulong>();
            var cur = ino;
            while (cur != 1)
            {
                if (!seen.Add(cur) || !inodes.TryGetValue(cur, out var c))
                {
                    Add($"inode {ino}: walking parent fields from it loops or breaks at {cur} before the root");
                    break;
                }
                cur = (ulong)c.Get("p");
            }
        }
    }

    private void CheckContent(Dictionary<ulong, Inode> inodes, Dictionary<ulong, HashEntry[]> chunks, Dictionary<string, long> blobs, HashSet<string> pending, Dictionary<string, long> blobRefs)
    {
        var uses = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (ino, entries) in chunks)
        {
            if (!inodes.TryGetValue(ino, out var inode))
            {
                continue;
            }
            if (FileModes.KindOf(inode.Mode) != FileKind.Regular)
            {
                Add($"inode {ino}: a {FileModes.KindOf(inode.Mode)} has chunks");
            }
            if (inode.Get("st") != 0)
            {
                Add($"inode {ino}: content state {inode.Get("st")} but chunks are stored");
            }
            long bytes = 0;
            foreach (var e in entries)
            {
                var sha = (string)e.Value!;
                var index = (long)e.Name;
                uses[sha] = uses.GetValueOrDefault(sha) + 1;
                if (!blobs.TryGetValue(sha, out var length))
                {
                    Add($"inode {ino}: chunk {index} names blob {sha[..Math.Min(12, sha.Length)]}, which does not exist");
                    continue;
                }
                bytes += length;
                if (length > Storage.Chunks.Size || length == 0)
                {
                    Add($"blob {sha[..12]}: {length} bytes, not 1..{Storage.Chunks.Size}");
                }
                if (index * Storage.Chunks.Size + length > inode.Get("s"))
                {
                    Add($"inode {ino}: chunk {index} ({length} bytes) reaches past the size {inode.Get("s")}");
                }
            }
            if (bytes != inode.Get("b"))
            {
                Add($"inode {ino}: bytes field b = {inode.Get("b")}, chunks hold {bytes}");
            }
        }
        foreach (var (ino, inode) in inodes)
        {
            if (!chunks.ContainsKey(ino) && inode.Get("b") != 0)
            {
                Add($"inode {ino}: bytes field b = {inode.Get("b")} without chunks");
            }
        }
        foreach (var (sha, count) in uses)
        {
            if (blobRefs.GetValueOrDefault(sha) != count)
            {
                Add($"blob {sha[..Math.Min(12, sha.Length)]}: refcount {blobRefs.GetValueOrDefault(sha)}, used by {count} chunks");
            }
        }
        foreach (var (sha, count) in blobRefs.Where(r => !uses.ContainsKey(r.Key)))
        {
            Add($"blob {sha[..Math.Min(12, sha.Length)]}: refcount {count}, used by no chunk");
        }
        foreach (var sha in blobs.Keys.Where(s => !uses.ContainsKey(s) && !pending.Contains(s)))
        {
            Add($"blob {sha[..Math.Min(12, sha.Length)]}: stored but used by no chunk");
        }
        foreach (var sha in pending.Where(uses.ContainsKey))
        {
            Add($"blob {sha[..Math.Min(12, sha.Length)]}: used by chunks but still expiring like an unused upload");
        }
    }

    private void CheckHandles(Dictionary<ulong, Inode> inodes, Dictionary<ulong, long> handles, Dictionary<ulong, long> clientHandles, HashSet<ulong> orphans, HashSet<ulong> limbo)
    {
        foreach (var ino in handles.Keys.Union(clientHandles.Keys))
        {
            if (handles.GetValueOrDefault(ino) != clientHandles.GetValueOrDefault(ino))
            {
                Add($"handles: inode {ino} counts {handles.GetValueOrDefault(ino)} open handles, clients hold {clientHandles.GetValueOrDefault(ino)}");
            }
        }
        foreach (var (ino, inode) in inodes.Where(i => i.Key != 1 && i.Value.Get("n") == 0))
        {
            // In limbo, an orphan waits for a lease holder that may still register a handle.
            if (handles.GetValueOrDefault(ino) <= 0 && !limbo.Contains(ino))
            {
                Add($"inode {ino}: orphan (nlink 0) that nobody has open");
            }
            if (!orphans.Contains(ino))
            {
                Add($"inode {ino}: nlink 0 but not in the orphans set");
            }
        }
        foreach (var ino in limbo.Where(i => !orphans.Contains(i)))
        {
            Add($"limbo: inode {ino} is listed but is not in the orphans set");
        }
        foreach (var ino in orphans)
        {
            if (!inodes.TryGetValue(ino, out var inode) || inode.Get("n") != 0)
            {
                Add($"orphans: inode {ino} is listed but is not an unlinked inode");
            }
        }
    }

    private void CheckStrays(Dictionary<ulong, Inode> inodes, Dictionary<ulong, Dictionary<string, ulong>> dirs, Dictionary<ulong, SortedSetEntry[]> seqs, Dictionary<ulong, HashEntry[]> chunks, Dictionary<ulong, HashEntry[]> xattrs)
    {
        foreach (var (kind, owners) in new (string, IEnumerable<ulong>)[] { ("dir", dirs.Keys), ("dirseq", seqs.Keys), ("chunks", chunks.Keys), ("xattr", xattrs.Keys) })
        {
            foreach (var ino in owners)
            {
                if (!inodes.TryGetValue(ino, out var inode))
                {
                    Add($"{kind}:{ino}: key of an inode that does not exist");
                }
                else if (kind.StartsWith("dir", StringComparison.Ordinal) && !inode.IsDir)
                {
                    Add($"{kind}:{ino}: key of an inode that is not a directory");
                }
            }
        }
    }

    private List<ulong> Numbered(List<string> all, string kind)
    {
        var prefix = keys.Prefix + kind;
        var result = new List<ulong>();
        foreach (var key in all.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (ulong.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ino))
            {
                result.Add(ino);
            }
            else
            {
                Add($"{key}: not an inode number");
            }
        }
        return result;
    }

    private void Add(string violation) => _violations.Add(violation);
}
