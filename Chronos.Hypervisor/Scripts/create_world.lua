-- create_world: creates (or, with reset = '1', re-creates) a world's meta, counters and root.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 next_ino, 5 inode:1
-- ARGV: 1 session, 2 name, 3 quota bytes, 4 quota inodes, 5 lower dir ('' none), 6 persona ('' none), 7 reset ('0'|'1')
-- Returns {0, created ns} or {EEXIST}.
-- Invariant: a world exists iff its meta exists; it always has root inode 1 (040755, 0:0, nlink 2,
-- parent 1), usage = {b 0, i 1}, next_ino >= every allocated inode. A root over a lower directory
-- starts lazy (origin 'lower:'), so its entries are decided on first listing.
local reset = ARGV[7] == '1'
if reset then
  if redis.call('EXISTS', META) == 0 then return { ENOENT } end
elseif redis.call('EXISTS', META) == 1 then
  return { EEXIST }
end
local t = now()
if not reset then
  redis.call('HSET', META, 'name', ARGV[2], 'qb', ARGV[3], 'qi', ARGV[4], 'created', t)
  if ARGV[5] ~= '' then redis.call('HSET', META, 'lower', ARGV[5]) end
  if ARGV[6] ~= '' then redis.call('HSET', META, 'persona', ARGV[6]) end
end
redis.call('DEL', KEYS[5])
redis.call('HSET', USAGE, 'b', 0, 'i', 1)
redis.call('SET', KEYS[4], 1)
redis.call('HSET', KEYS[5], 'm', 16877, 'n', 2, 'u', 0, 'g', 0, 's', 4096, 'a', t, 't', t, 'c', t, 'p', 1, 'q', 2)
local lower = redis.call('HGET', META, 'lower')
if lower then redis.call('HSET', KEYS[5], 'z', 1, 'o', 'lower:') end
audit(ARGV[1], reset and 'reset' or 'create_world', 1, '', nil)
return { 0, redis.call('HGET', META, 'created') }
