-- read_chunks (read-only, EVALSHA_RO): an inode's size, mode and content state, and the chunks
-- asked for, in one round trip.
-- KEYS: 1 meta, 2 inode, 3 chunks
-- ARGV: chunk indexes
-- Blob keys are built from W.
-- Returns {0, size, mode, content state, then per index: sha ('' = hole), data ('' = hole)} or
-- {ENOENT}.
local v = redis.call('HMGET', KEYS[2], 's', 'm', 'st')
if not v[1] then return { ENOENT } end
local r = { 0, v[1], v[2], v[3] or '0' }
for i = 1, #ARGV do
  local sha = redis.call('HGET', KEYS[3], ARGV[i])
  if sha then
    r[#r + 1] = sha
    r[#r + 1] = redis.call('GET', blobkey(sha)) or ''
  else
    r[#r + 1] = ''
    r[#r + 1] = ''
  end
end
return r
