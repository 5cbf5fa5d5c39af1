-- populate: decides a directory's entries once (seeding, lazy directories) and clears its lazy flag.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 next_ino, 5 dir inode, 6 dir, 7 dirseq
-- ARGV: 1 session, 2 dir ino, 3 mode ('1' only if lazy, '0' always, 'o' overlay: add and keep the
--       lazy flag and origin, so the origin's later population adds only the names not present),
--       4 entry count, then per entry 14 fields
--       {name, mode, uid, gid, size, rdev, mtime, atime, ctime ('' = now), content state
--        (0 Stored, 1 Ghost, 2 Lower), symlink target, lazy ('1'|'0'), origin, chunk count}
--       followed by chunk count groups {index, sha} of stored content (blobs uploaded first).
-- New inode keys and blob keys are built from W.
-- Returns {0, 1, entries added}, {0, 0, 0} when onlyIfLazy and the directory is no longer lazy,
-- or {errno}: ENOENT / ENOTDIR, ENOSPC (quota; nothing is added), or {-1} when an uploaded blob
-- is gone (upload again).
-- Invariant: a name already present is kept as it is (the world's state wins over the persona's
-- plan); everything mknod/mkdir/symlink keep holds for each new entry. The directory's own
-- times do not change: population reveals entries that were always there.
local _, err = live_dir(KEYS[5])
if err then return { err } end
if ARGV[3] == '1' and redis.call('HGET', KEYS[5], 'z') ~= '1' then return { 0, 0, 0 } end
local count = tonumber(ARGV[4])
local entries = {}
local pos = 5
local inodes, bytes = 0, 0
for _ = 1, count do
  local e = { pos = pos, nchunks = tonumber(ARGV[pos + 13]) }
  e.chunks = pos + 14
  pos = pos + 14 + 2 * e.nchunks
  if redis.call('HEXISTS', KEYS[6], ARGV[e.pos]) == 0 then
    entries[#entries + 1] = e
    inodes = inodes + 1
    for c = 0, e.nchunks - 1 do
      local len = redis.call('STRLEN', blobkey(ARGV[e.chunks + 2 * c + 1]))
      if len == 0 then return { -1 } end
      bytes = bytes + len
    end
  end
end
if used('i') + inodes > quota('qi') or used('b') + bytes > quota('qb') then return { ENOSPC } end
local t = now()
local dirino = ARGV[2]
for _, e in ipairs(entries) do
  local p = e.pos
  local name, mode = ARGV[p], ARGV[p + 1]
  local ino = redis.call('INCR', KEYS[4])
  local ik = ikey(ino)
  local mt = ARGV[p + 6]
  local at = ARGV[p + 7] ~= '' and ARGV[p + 7] or mt
  local ct = ARGV[p + 8] ~= '' and ARGV[p + 8] or t
  redis.call('HSET', ik, 'm', mode, 'u', ARGV[p + 2], 'g', ARGV[p + 3], 'a', at, 't', mt, 'c', ct)
  if isdir(mode) then
    redis.call('HSET', ik, 'n', 2, 's', 4096, 'p', dirino, 'q', 2)
    if ARGV[p + 11] == '1' then redis.call('HSET', ik, 'z', 1) end
    if ARGV[p + 12] ~= '' then redis.call('HSET', ik, 'o', ARGV[p + 12]) end
    redis.call('HINCRBY', KEYS[5], 'n', 1)
  elseif ftype(mode) == S_IFLNK then
    redis.call('HSET', ik, 'n', 1, 's', #ARGV[p + 10], 'l', ARGV[p + 10])
  else
    redis.call('HSET', ik, 'n', 1, 's', ARGV[p + 4], 'r', ARGV[p + 5])
    if ARGV[p + 9] ~= '0' then
      redis.call('HSET', ik, 'st', ARGV[p + 9])
      if ARGV[p + 12] ~= '' then redis.call('HSET', ik, 'o', ARGV[p + 12]) end
    end
    local b = 0
    local ck = W .. 'chunks:' .. ino
    for c = 0, e.nchunks - 1 do
      local g = e.chunks + 2 * c
      incref(ARGV[g + 1])
      redis.call('HSET', ck, ARGV[g], ARGV[g + 1])
      b = b + redis.call('STRLEN', blobkey(ARGV[g + 1]))
    end
    if b > 0 then redis.call('HSET', ik, 'b', b) end
  end
  add_entry(KEYS[5], KEYS[6], KEYS[7], name, ino)
end
if ARGV[3] ~= 'o' then redis.call('HDEL', KEYS[5], 'z', 'o') end
redis.call('HINCRBY', USAGE, 'i', inodes)
redis.call('HINCRBY', USAGE, 'b', bytes)
audit(ARGV[1], 'populate', dirino, '', { 'count', #entries })
return { 0, 1, #entries }
