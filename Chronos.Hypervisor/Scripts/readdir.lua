-- readdir (read-only, EVALSHA_RO): one page of a directory, ordered by entry sequence number.
-- KEYS: 1 meta, 2 dir inode, 3 dirseq, 4 dir
-- ARGV: 1 cookie (0 = start; '.' is 1, '..' is 2, entries carry their insertion sequence),
--       2 max entries, 3 '1' to include each entry's inode fields
-- Entry inode keys are built from W.
-- Returns {0, end (1|0), then per entry {name, ino, cookie, mode, fields or 0}} or {errno}:
-- ENOENT, ENOTDIR. With fields the mode is in them, and the mode slot of a page entry is 0.
-- Why sequence numbers: a cookie is a position that no insert or delete can shift, so an entry
-- present during the whole listing is returned exactly once.
local v = redis.call('HMGET', KEYS[2], 'm', 'p')
if not v[1] then return { ENOENT } end
if not isdir(v[1]) then return { ENOTDIR } end
local cookie, max, attrs = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local r = { 0, 0 }
local function add(name, ino, seq, mode)
  r[#r + 1] = { name, ino, seq, mode, attrs and redis.call('HGETALL', ikey(ino)) or 0 }
end
local self = string.match(KEYS[2], 'inode:(%d+)$')
if cookie < 1 and #r - 2 < max then add('.', self, 1, v[1]) end
if cookie < 2 and #r - 2 < max then
  local pm = redis.call('HGET', ikey(v[2]), 'm') or v[1]
  add('..', v[2], 2, pm)
end
local room = max - (#r - 2)
if room <= 0 then return r end
local page = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. math.max(cookie, 2), '+inf', 'WITHSCORES', 'LIMIT', 0, room + 1)
local n = #page / 2
if n <= room then r[2] = 1 else n = room end
-- Every redis.call costs the Lua bridge about a microsecond: the page's inode numbers come from
-- one HMGET per 1,000 names (unpack's stack stays small), and with fields no separate mode read.
local inos = {}
for first = 1, n, 1000 do
  local names = {}
  for i = first, math.min(n, first + 999) do names[#names + 1] = page[2 * i - 1] end
  local got = redis.call('HMGET', KEYS[4], unpack(names))
  for i = 1, #got do inos[#inos + 1] = got[i] end
end
for i = 1, n do
  local name, ino, seq = page[2 * i - 1], inos[i], tonumber(page[2 * i])
  if attrs then
    r[#r + 1] = { name, ino, seq, 0, redis.call('HGETALL', ikey(ino)) }
  else
    add(name, ino, seq, redis.call('HGET', ikey(ino), 'm'))
  end
end
return r
