-- commit: compare-and-set of a Ghost or Lower file's bytes into the chunk store.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 chunks
-- ARGV: 1 session, 2 ino, 3 content length, 4 chunk count, then 5.. {index, '*', sha}
-- Blob keys are built from W; the caller uploads the blobs first.
-- Returns {0, 1} when committed, {0, 0} when the content was already stored (the first commit
-- won), or {errno}: ENOENT, EISDIR / EINVAL (not a regular file), EINVAL (length differs from
-- the declared size), ENOSPC (byte quota), or {-1} when an uploaded blob is gone (upload again).
-- Invariant: size, mode, owner and times never change here; content state Stored afterwards.
local v = redis.call('HMGET', KEYS[4], 'm', 's', 'st')
if not v[1] then return { ENOENT } end
local ft = ftype(v[1])
if ft == S_IFDIR then return { EISDIR } end
if ft ~= S_IFREG then return { EINVAL } end
if not v[3] or v[3] == '0' then return { 0, 0 } end
if tonumber(ARGV[3]) ~= tonumber(v[2] or '0') then return { EINVAL } end
local count = tonumber(ARGV[4])
local delta = chunk_delta(KEYS[5], 5, count)
if not delta then return { -1 } end
if used('b') + delta > quota('qb') then return { ENOSPC } end
apply_chunks(KEYS[5], 5, count)
redis.call('HDEL', KEYS[4], 'st', 'o')
redis.call('HINCRBY', KEYS[4], 'b', delta)
redis.call('HINCRBY', USAGE, 'b', delta)
audit(ARGV[1], 'commit', ARGV[2], '', { 'l', ARGV[3] })
return { 0, 1 }
