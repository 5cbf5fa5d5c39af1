-- read (read-only, EVALSHA_RO): the bytes of [offset, offset + length) clipped to the file size,
-- one slice per chunk, cut with GETRANGE so a 4 KiB read moves 4 KiB, not the 64 KiB chunk.
-- KEYS: 1 meta, 2 inode, 3 chunks
-- ARGV: 1 offset, 2 length
-- Blob keys are built from W.
-- Returns {0, size, mode, content state, first chunk index, then per chunk a slice ('' = hole;
-- a slice shorter than its range ends in zeros)} or {ENOENT}. Nothing but the header when the
-- inode is not a stored regular file (the caller turns that into EISDIR / EINVAL / EAGAIN).
local v = redis.call('HMGET', KEYS[2], 's', 'm', 'st')
if not v[2] then return { ENOENT } end
local size, off, len = tonumber(v[1] or '0'), tonumber(ARGV[1]), tonumber(ARGV[2])
local first = math.floor(off / CHUNK)
local r = { 0, v[1] or '0', v[2], v[3] or '0', first }
if ftype(v[2]) ~= S_IFREG or (v[3] and v[3] ~= '0') or off >= size or len <= 0 then return r end
local last = math.min(off + len, size) - 1
for idx = first, math.floor(last / CHUNK) do
  local sha = redis.call('HGET', KEYS[3], idx)
  if sha then
    local start = idx * CHUNK
    r[#r + 1] = redis.call('GETRANGE', blobkey(sha), math.max(off, start) - start, math.min(last, start + CHUNK - 1) - start)
  else
    r[#r + 1] = ''
  end
end
return r
