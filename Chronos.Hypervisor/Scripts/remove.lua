-- remove: unlink(2) or rmdir(2) of one entry.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 parent inode, 5 parent dir, 6 parent dirseq
-- ARGV: 1 session, 2 name, 3 '1' for rmdir else '0', 4 client id, 5 '1' for the parent's attributes
-- Returns {0}, {0, the parent's HGETALL after the change} when asked, or {errno}: ENOENT/ENOTDIR (parent or entry), EISDIR (unlink of a directory),
-- ENOTDIR (rmdir of a non-directory), ENOTEMPTY.
-- Frees the inode (keys built from W) when its last link and last open handle are gone; an
-- inode still open becomes an orphan (nlink 0, in the orphans set) until its last release, and
-- one that another client's handle lease may cover waits in limbo (see release_inode).
-- Invariant: parent mtime/ctime = now; rmdir lowers the parent's nlink by one.
local _, err = live_dir(KEYS[4])
if err then return { err } end
local name = ARGV[2]
local ino = redis.call('HGET', KEYS[5], name)
if not ino then return { ENOENT } end
local ik = ikey(ino)
local m = redis.call('HGET', ik, 'm')
local rmdir = ARGV[3] == '1'
if rmdir then
  if not isdir(m) then return { ENOTDIR } end
  if redis.call('HLEN', W .. 'dir:' .. ino) > 0 then return { ENOTEMPTY } end
elseif isdir(m) then
  return { EISDIR }
end
reap_limbo()
remove_entry(KEYS[5], KEYS[6], name)
local t = now()
redis.call('HSET', KEYS[4], 't', t, 'c', t)
if rmdir then
  redis.call('HINCRBY', KEYS[4], 'n', '-1')
  unlinked(ino, false)
else
  drop_link(ino, ARGV[4])
end
audit(ARGV[1], rmdir and 'rmdir' or 'unlink', ino, name, nil)
if ARGV[5] == '1' then return { 0, redis.call('HGETALL', KEYS[4]) } end
return { 0 }
