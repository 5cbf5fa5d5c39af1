-- handle: open or release one handle of a client on an inode, or renew the client's handle lease.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 handles (ino -> open handles of all clients),
--       6 handles:<client> (ino -> this client's open handles)
-- ARGV: 1 session, 2 ino, 3 op ('open'|'release'|'lease'), 4 client id, 5 lease length (ms, 'lease')
-- Returns {0, handles of the inode left} or {errno}: ENOENT (open of an inode that is gone);
-- 'lease' returns {0, deadline (unix ms)}.
-- The last release of an orphan (nlink 0) frees it (keys built from W), or leaves it in limbo
-- while another client's lease runs (see release_inode); 'release' and 'lease' reap due limbo orphans.
-- Invariant: handles[ino] = sum over clients of handles:<client>[ino]; an inode with nlink 0
-- exists only while handles[ino] > 0 or it is in limbo (and is then in the orphans set).
local ino = ARGV[2]
if ARGV[3] == 'lease' then
  -- A client that opens files without telling Redis at once (a FUSE mount batching its
  -- registrations) holds a lease: until it ends, no unlink elsewhere frees an inode outright.
  reap_limbo()
  local deadline = now_ms() + tonumber(ARGV[5])
  redis.call('HSET', LEASES, ARGV[4], deadline)
  return { 0, deadline }
end
if ARGV[3] == 'open' then
  if redis.call('EXISTS', KEYS[4]) == 0 then return { ENOENT } end
  redis.call('HINCRBY', KEYS[6], ino, 1)
  local n = redis.call('HINCRBY', KEYS[5], ino, 1)
  audit(ARGV[1], 'open', ino, '', nil)
  return { 0, n }
end
reap_limbo()
local mine = tonumber(redis.call('HGET', KEYS[6], ino) or '0')
if mine <= 0 then return { 0, tonumber(redis.call('HGET', KEYS[5], ino) or '0') } end
if mine == 1 then redis.call('HDEL', KEYS[6], ino) else redis.call('HINCRBY', KEYS[6], ino, -1) end
local n = redis.call('HINCRBY', KEYS[5], ino, -1)
if n <= 0 then
  redis.call('HDEL', KEYS[5], ino)
  if redis.call('HGET', KEYS[4], 'n') == '0' then release_inode(ino, ARGV[4]) end
end
audit(ARGV[1], 'release', ino, '', nil)
return { 0, math.max(n, 0) }
