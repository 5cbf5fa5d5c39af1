-- link: link(2), a new entry for an existing non-directory inode.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 new parent inode, 6 new parent dir, 7 new parent dirseq
-- ARGV: 1 session, 2 ino, 3 new name, 4 '1' for the new parent's attributes
-- Returns {0, the inode's HGETALL[, the new parent's HGETALL when asked]} or {errno}, in Linux's order: ENOENT (inode gone), ENOENT/ENOTDIR
-- (parent), EEXIST, EPERM (directory), ENOENT (inode already unlinked).
-- Invariant: nlink equals the number of entries naming the inode; ctime = now; parent mtime/ctime = now.
local v = redis.call('HMGET', KEYS[4], 'm', 'n')
if not v[1] then return { ENOENT } end
local _, err = live_dir(KEYS[5])
if err then return { err } end
if redis.call('HEXISTS', KEYS[6], ARGV[3]) == 1 then return { EEXIST } end
if isdir(v[1]) then return { EPERM } end
if tonumber(v[2]) == 0 then return { ENOENT } end
add_entry(KEYS[5], KEYS[6], KEYS[7], ARGV[3], ARGV[2])
local t = now()
redis.call('HINCRBY', KEYS[4], 'n', 1)
redis.call('HSET', KEYS[4], 'c', t)
redis.call('HSET', KEYS[5], 't', t, 'c', t)
audit(ARGV[1], 'link', ARGV[2], ARGV[3], nil)
if ARGV[4] == '1' then return { 0, redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]) } end
return { 0, redis.call('HGETALL', KEYS[4]) }
