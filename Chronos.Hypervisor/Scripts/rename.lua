-- rename: rename(2) / renameat2(2) with RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 old parent inode, 5 old parent dir, 6 old parent dirseq,
--       7 new parent inode, 8 new parent dir, 9 new parent dirseq
-- ARGV: 1 session, 2 old name, 3 new name, 4 flags, 5 old parent ino, 6 new parent ino, 7 client id
-- Returns {0} or {errno}, in the order Linux checks them: EINVAL (flags), ENOENT/ENOTDIR
-- (parents), ENOENT (source), EEXIST (NOREPLACE and target exists), ENOENT (EXCHANGE without
-- target), EINVAL (source directory is an ancestor of the new parent), ENOTEMPTY / EINVAL for
-- EXCHANGE (target directory is an ancestor of the old parent), then when source and target are
-- the same inode nothing happens, else ENOTDIR / EISDIR (kind mismatch) and ENOTEMPTY.
-- A replaced target loses one link (freed, or kept as an orphan while open or in limbo while
-- another client's handle lease runs; keys built from W).
-- The ancestor walk reads parent fields of directories (keys built from W).
-- Invariant: every directory's parent field names the directory holding its entry, and nlink of
-- both parents stays 2 + subdirectories; both parents' mtime/ctime and the moved inodes' ctime = now.
local flags = tonumber(ARGV[4])
if bit.band(flags, 4) ~= 0 or flags == 3 or flags > 7 then return { EINVAL } end
local noreplace, exchange = bit.band(flags, 1) ~= 0, bit.band(flags, 2) ~= 0
local _, err = live_dir(KEYS[4])
if err then return { err } end
_, err = live_dir(KEYS[7])
if err then return { err } end
local oldname, newname = ARGV[2], ARGV[3]
local oldp, newp = ARGV[5], ARGV[6]
local src = redis.call('HGET', KEYS[5], oldname)
if not src then return { ENOENT } end
local dst = redis.call('HGET', KEYS[8], newname)
if noreplace and dst then return { EEXIST } end
if exchange and not dst then return { ENOENT } end
local srcm = redis.call('HGET', ikey(src), 'm')
local srcdir = isdir(srcm)
local dstm = dst and redis.call('HGET', ikey(dst), 'm')
local dstdir = dst and isdir(dstm)
if oldp ~= newp then
  if srcdir and is_ancestor(src, newp) then return { EINVAL } end
  if dstdir and is_ancestor(dst, oldp) then return { exchange and EINVAL or ENOTEMPTY } end
end
if src == dst then return { 0 } end
local t = now()
if exchange then
  redis.call('HSET', KEYS[5], oldname, dst)
  redis.call('HSET', KEYS[8], newname, src)
  if oldp ~= newp then
    if srcdir then redis.call('HSET', ikey(src), 'p', newp) end
    if dstdir then redis.call('HSET', ikey(dst), 'p', oldp) end
    if srcdir ~= dstdir then
      local d = srcdir and 1 or -1
      redis.call('HINCRBY', KEYS[4], 'n', -d)
      redis.call('HINCRBY', KEYS[7], 'n', d)
    end
  end
  redis.call('HSET', ikey(src), 'c', t)
  redis.call('HSET', ikey(dst), 'c', t)
else
  if dst then
    if srcdir and not dstdir then return { ENOTDIR } end
    if dstdir and not srcdir then return { EISDIR } end
    if dstdir and redis.call('HLEN', W .. 'dir:' .. dst) > 0 then return { ENOTEMPTY } end
  end
  remove_entry(KEYS[5], KEYS[6], oldname)
  if dst then
    remove_entry(KEYS[8], KEYS[9], newname)
    if dstdir then
      redis.call('HINCRBY', KEYS[7], 'n', -1)
      unlinked(dst, false)
    else
      drop_link(dst, ARGV[7])
    end
  end
  add_entry(KEYS[7], KEYS[8], KEYS[9], newname, src)
  if srcdir and oldp ~= newp then
    redis.call('HSET', ikey(src), 'p', newp)
    redis.call('HINCRBY', KEYS[4], 'n', -1)
    redis.call('HINCRBY', KEYS[7], 'n', 1)
  end
  redis.call('HSET', ikey(src), 'c', t)
end
redis.call('HSET', KEYS[4], 't', t, 'c', t)
if oldp ~= newp then redis.call('HSET', KEYS[7], 't', t, 'c', t) end
local extra = { 'np', newp, 'nn', newname, 'f', flags }
if dst then extra[#extra + 1] = 'di'; extra[#extra + 1] = dst end
audit(ARGV[1], 'rename', src, oldname, extra)
return { 0 }
