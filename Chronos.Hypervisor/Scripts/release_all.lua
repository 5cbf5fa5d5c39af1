-- release_all: drops every handle one client holds (a mount restarting after a crash).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 handles, 5 handles:<client>
-- ARGV: 1 session, 2 client id
-- Returns {0, handles dropped}. Orphans whose last handle this was are freed (keys built from W),
-- or left in limbo while another client's lease runs; the client's own lease ends here.
-- Invariant: as in handle.lua.
reap_limbo()
redis.call('HDEL', LEASES, ARGV[2])
local all = redis.call('HGETALL', KEYS[5])
local dropped = 0
for i = 1, #all, 2 do
  local ino, mine = all[i], tonumber(all[i + 1])
  dropped = dropped + mine
  if redis.call('HINCRBY', KEYS[4], ino, -mine) <= 0 then
    redis.call('HDEL', KEYS[4], ino)
    if redis.call('HGET', ikey(ino), 'n') == '0' then release_inode(ino, ARGV[2]) end
  end
end
redis.call('DEL', KEYS[5])
audit(ARGV[1], 'release_all', 0, '', { 'client', ARGV[2], 'count', dropped })
return { 0, dropped }
