-- write: pwrite(2) of whole chunks computed by the caller (merged with the old bytes it read).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 chunks
-- ARGV: 1 session, 2 ino, 3 write offset, 4 write length, 5 end offset (offset + length),
--       6 chunk count, then per chunk 7.. {index, expected sha ('*' any, '' absent), new sha}
-- Blob keys are built from W (their names are the content hashes); the caller uploads new blobs
-- first (SET NX EX), so no chunk bytes pass through Lua.
-- Returns {0, size} or {errno}: ENOENT, EISDIR, EINVAL (not a regular file), EAGAIN (Ghost/Lower
-- content: commit it first), ENOSPC (byte quota), or {-1} when a chunk changed since the caller
-- read it or a new blob is missing (compare-and-set: the caller re-reads and retries).
-- Invariant: inode b = sum of its chunk lengths, usage.b = sum over inodes of b + x, every blob's
-- refcount = number of chunk entries naming it, size = max(size, end), mtime/ctime = now.
local v = redis.call('HMGET', KEYS[4], 'm', 's', 'st', 'b')
if not v[1] then return { ENOENT } end
local ft = ftype(v[1])
if ft == S_IFDIR then return { EISDIR } end
if ft ~= S_IFREG then return { EINVAL } end
if v[3] and v[3] ~= '0' then return { EAGAIN } end
local count = tonumber(ARGV[6])
local delta = chunk_delta(KEYS[5], 7, count)
if not delta then return { -1 } end
if delta > 0 and used('b') + delta > quota('qb') then
  -- Limbo orphans whose lease ended still count until reaped: reap them before giving up.
  reap_limbo()
  if used('b') + delta > quota('qb') then return { ENOSPC } end
end
apply_chunks(KEYS[5], 7, count)
local size = math.max(tonumber(v[2] or '0'), tonumber(ARGV[5]))
local t = now()
redis.call('HSET', KEYS[4], 's', size, 'b', tonumber(v[4] or '0') + delta, 't', t, 'c', t)
if delta ~= 0 then redis.call('HINCRBY', USAGE, 'b', delta) end
audit(ARGV[1], 'write', ARGV[2], '', { 'f', ARGV[3], 'l', ARGV[4] })
return { 0, size }
