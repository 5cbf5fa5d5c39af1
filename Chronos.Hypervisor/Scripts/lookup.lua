-- lookup (read-only, EVALSHA_RO): an entry's inode and its attributes in one round trip.
-- KEYS: 1 meta, 2 parent inode, 3 parent dir
-- ARGV: 1 name
-- The entry's inode key is built from W (its number is what the lookup finds).
-- Returns {0, ino, inode fields (HGETALL)} or {errno}: ENOENT, ENOTDIR (parent not a directory).
local ino = redis.call('HGET', KEYS[3], ARGV[1])
if ino then
  return { 0, ino, redis.call('HGETALL', ikey(ino)) }
end
local m = redis.call('HGET', KEYS[2], 'm')
if m and not isdir(m) then return { ENOTDIR } end
return { ENOENT }
