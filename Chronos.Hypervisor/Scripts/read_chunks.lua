-- read_chunks (read-only, EVALSHA_RO): an inode's size, mode and content state, and the hashes of
-- the chunks asked for. The caller GETs the blobs itself: 64 KiB returned through Lua costs Redis
-- ~120 us, a plain GET ~1 us (measured).
-- KEYS: 1 meta, 2 inode, 3 chunks
-- ARGV: chunk indexes
-- Returns {0, size, mode, content state, then per index: sha ('' = hole)} or {ENOENT}.
local v = redis.call('HMGET', KEYS[2], 's', 'm', 'st')
if not v[2] then return { ENOENT } end
local r = { 0, v[1] or '0', v[2], v[3] or '0' }
for i = 1, #ARGV do
  r[#r + 1] = redis.call('HGET', KEYS[3], ARGV[i]) or ''
end
return r
