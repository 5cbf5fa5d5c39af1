-- setattr: chmod, chown, truncate and utimens in one step; ctime = now (or as given).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 inode, 5 chunks
-- ARGV: 1 session, 2 ino, 3 mode ('' keep; permission bits), 4 uid, 5 gid, 6 size,
--       7 atime ('' keep, 'now', or ns), 8 mtime (same), 9 ctime ('' = now, or ns),
--       10 chunk count (0 or 1), then 11.. {index, expected sha, new sha}: the trimmed tail chunk
--       (uploaded by the caller first) when shrinking into the middle of a stored chunk.
-- Blob keys and dropped chunks are built from W.
-- Returns {0, inode fields (HGETALL)} or {errno}: ENOENT, EISDIR / EINVAL (size on a non-file),
-- EAGAIN (size change of Ghost/Lower content), EFBIG, or {-1} (tail chunk changed: retry).
-- Invariant: no chunk holds bytes at or past size (so a later extension reads zeros); usage.b and
-- inode b follow the dropped chunks; a size change sets mtime as truncate(2) does.
local v = redis.call('HMGET', KEYS[4], 'm', 's', 'st', 'b')
if not v[1] then return { ENOENT } end
local t = now()
local fields = {}
local delta = 0
local count = tonumber(ARGV[10])
if ARGV[6] ~= '' then
  local ft = ftype(v[1])
  if ft == S_IFDIR then return { EISDIR } end
  if ft ~= S_IFREG then return { EINVAL } end
  local newsize = tonumber(ARGV[6])
  if newsize < 0 then return { EINVAL } end
  if newsize > 17592186044416 then return { EFBIG } end
  if v[3] and v[3] ~= '0' then return { EAGAIN } end
  if newsize < tonumber(v[2] or '0') then
    local d = chunk_delta(KEYS[5], 11, count)
    if not d then return { -1 } end
    delta = d
    local keep = math.ceil(newsize / CHUNK)
    local all = redis.call('HGETALL', KEYS[5])
    for i = 1, #all, 2 do
      if tonumber(all[i]) >= keep then
        delta = delta - redis.call('STRLEN', blobkey(all[i + 1]))
        redis.call('HDEL', KEYS[5], all[i])
        decref(all[i + 1])
      end
    end
    apply_chunks(KEYS[5], 11, count)
  end
  fields[#fields + 1] = 's'; fields[#fields + 1] = newsize
  fields[#fields + 1] = 'b'; fields[#fields + 1] = tonumber(v[4] or '0') + delta
  if ARGV[8] == '' then fields[#fields + 1] = 't'; fields[#fields + 1] = t end
end
if ARGV[3] ~= '' then
  fields[#fields + 1] = 'm'
  fields[#fields + 1] = bit.bor(bit.band(tonumber(v[1]), S_IFMT), bit.band(tonumber(ARGV[3]), 0xFFF))
end
if ARGV[4] ~= '' then fields[#fields + 1] = 'u'; fields[#fields + 1] = ARGV[4] end
if ARGV[5] ~= '' then fields[#fields + 1] = 'g'; fields[#fields + 1] = ARGV[5] end
if ARGV[7] ~= '' then fields[#fields + 1] = 'a'; fields[#fields + 1] = ARGV[7] == 'now' and t or ARGV[7] end
if ARGV[8] ~= '' then fields[#fields + 1] = 't'; fields[#fields + 1] = ARGV[8] == 'now' and t or ARGV[8] end
fields[#fields + 1] = 'c'; fields[#fields + 1] = ARGV[9] == '' and t or ARGV[9]
redis.call('HSET', KEYS[4], unpack(fields))
if delta ~= 0 then redis.call('HINCRBY', USAGE, 'b', delta) end
local extra = {}
for i = 3, 9 do
  if ARGV[i] ~= '' then extra[#extra + 1] = ({ 'm', 'u', 'g', 's', 'a', 'mt', 'c' })[i - 2]; extra[#extra + 1] = ARGV[i] end
end
audit(ARGV[1], 'setattr', ARGV[2], '', extra)
return { 0, redis.call('HGETALL', KEYS[4]) }
