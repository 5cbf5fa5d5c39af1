-- xattr: setxattr(2) / removexattr(2).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 xattr
-- ARGV: 1 session, 2 ino, 3 op ('set'|'remove'), 4 name, 5 value, 6 flags (1 CREATE, 2 REPLACE)
-- Returns {0} or {errno}: ENOENT, EEXIST (CREATE and present), ENODATA (REPLACE or remove and
-- absent), ENOSPC (byte quota).
-- Invariant: inode x = sum of name + value bytes of its attributes, counted in usage.b (so
-- attributes cannot fill Redis past the quota); ctime = now.
if redis.call('EXISTS', KEYS[4]) == 0 then return { ENOENT } end
local name = ARGV[4]
local old = redis.call('HGET', KEYS[5], name)
local delta
if ARGV[3] == 'set' then
  local flags = tonumber(ARGV[6])
  if old and bit.band(flags, 1) ~= 0 then return { EEXIST } end
  if not old and bit.band(flags, 2) ~= 0 then return { ENODATA } end
  delta = #name + #ARGV[5] - (old and (#name + #old) or 0)
  if delta > 0 and used('b') + delta > quota('qb') then return { ENOSPC } end
  redis.call('HSET', KEYS[5], name, ARGV[5])
else
  if not old then return { ENODATA } end
  delta = -(#name + #old)
  redis.call('HDEL', KEYS[5], name)
end
redis.call('HINCRBY', KEYS[4], 'x', delta)
redis.call('HSET', KEYS[4], 'c', now())
if delta ~= 0 then redis.call('HINCRBY', USAGE, 'b', delta) end
audit(ARGV[1], ARGV[3] == 'set' and 'setxattr' or 'removexattr', ARGV[2], name, nil)
return { 0 }
