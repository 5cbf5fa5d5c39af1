-- mknod: creates a node (regular, fifo, socket, device, directory or symlink) and links it.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 next_ino, 5 parent inode, 6 parent dir, 7 parent dirseq
-- ARGV: 1 session, 2 op ('mknod'|'mkdir'|'symlink'), 3 name, 4 mode (with type bits),
--       5 uid, 6 gid, 7 rdev, 8 symlink target (or ''), 9 parent ino
-- Returns {0, ino, time ns, mode, gid} or {errno}: ENOENT/ENOTDIR (parent), EEXIST, ENOSPC (inode quota).
-- Builds the new inode's keys from W (the number is allocated here).
-- Invariant: the new inode has exactly one entry; a directory gets nlink 2 and parent field,
-- and its parent's nlink grows by one; usage.i counts it; parent mtime/ctime = now.
local pmode, err = live_dir(KEYS[5])
if err then return { err } end
local mode, gid = ARGV[4], ARGV[6]
if bit.band(pmode, 0x400) ~= 0 then
  -- A set-group-ID directory gives new nodes its group, and new directories its S_ISGID bit
  -- (inode_init_owner in Linux; for FUSE the filesystem does this, not the kernel).
  gid = redis.call('HGET', KEYS[5], 'g')
  if ARGV[2] == 'mkdir' then mode = bit.bor(tonumber(mode), 0x400) end
end
if used('i') + 1 > quota('qi') then
  if redis.call('HEXISTS', KEYS[6], ARGV[3]) == 1 then return { EEXIST } end
  return { ENOSPC }
end
local ino = redis.call('INCR', KEYS[4])
if redis.call('HSETNX', KEYS[6], ARGV[3], ino) == 0 then
  redis.call('DECR', KEYS[4])
  return { EEXIST }
end
redis.call('ZADD', KEYS[7], redis.call('HINCRBY', KEYS[5], 'q', 1), ARGV[3])
local t = now()
local op = ARGV[2]
local ik = ikey(ino)
if op == 'mkdir' then
  redis.call('HSET', ik, 'm', mode, 'n', 2, 'u', ARGV[5], 'g', gid, 's', 4096, 'a', t, 't', t, 'c', t, 'p', ARGV[9], 'q', 2)
  redis.call('HINCRBY', KEYS[5], 'n', 1)
elseif op == 'symlink' then
  redis.call('HSET', ik, 'm', mode, 'n', 1, 'u', ARGV[5], 'g', gid, 's', #ARGV[8], 'a', t, 't', t, 'c', t, 'l', ARGV[8])
else
  redis.call('HSET', ik, 'm', mode, 'n', 1, 'u', ARGV[5], 'g', gid, 's', 0, 'a', t, 't', t, 'c', t, 'r', ARGV[7])
end
redis.call('HSET', KEYS[5], 't', t, 'c', t)
redis.call('HINCRBY', USAGE, 'i', 1)
audit(ARGV[1], op, ino, ARGV[3], { 'm', mode })
return { 0, ino, t, mode, gid }
