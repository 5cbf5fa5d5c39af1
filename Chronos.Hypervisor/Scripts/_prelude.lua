-- Prelude shared by every script in this folder. LuaScript prepends it (and _inodes.lua for the
-- scripts that free inodes or change chunks) to each script before SCRIPT LOAD (files whose name
-- starts with '_' are preludes, not scripts), so each call is still one self-contained EVALSHA.
-- Two preludes, not one, because Lua builds every local function on every call: measured under
-- load, the whole prelude cost 4.4 us per call, a third of a create.
--
-- Key conventions (every script):
--   KEYS[1] = chronos:{<world>}:meta    (W, the world prefix, is derived from it)
--   KEYS[2] = chronos:{<world>}:usage
--   KEYS[3] = chronos:{<world>}:audit
-- Keys a script cannot know before it runs are built from W and so carry the same hash tag (one
-- slot): an inode allocated inside the script, the inode/chunks/xattr/dir keys of an inode the
-- script frees, the blobs of chunks it releases, and the fixed per-world keys blobref, handles and
-- orphans. Everything else is passed in KEYS by the caller.
--
-- Replies: {0, ...} on success, {errno} (a positive Linux errno) on failure, {-1} when a
-- compare-and-set precondition no longer holds (the caller re-reads and retries). Nothing is
-- changed before the last check that can fail, so a failed call leaves no trace.
--
-- Inode hashes (fields in Keys.Inode) may leave out s (size), r (rdev), b and x (bytes): absent
-- means 0, so every reader defaults them (`v or '0'`) and tests existence on m, never on s.
--
-- Times are strings of nanoseconds since the epoch, built from TIME inside the script so every
-- mount agrees; Lua never does arithmetic on them (doubles would lose nanoseconds).
--
-- On hot paths, arguments to redis.call are strings: constants written as '1', computed numbers
-- made strings once with string.format('%d', n). A Lua number is converted with printf's "%.14g"
-- at every use, a floating-point path of a few thousand instructions; in mknod.lua that was a
-- tenth of a batched create (callgrind, BENCHMARKS.md).
local W = string.sub(KEYS[1], 1, -5)
local META, USAGE, AUDIT = KEYS[1], KEYS[2], KEYS[3]
local CHUNK = 65536
local AUDIT_MAXLEN = '1000000'

local EPERM, ENOENT, EAGAIN, EEXIST, ENOTDIR, EISDIR, EINVAL = 1, 2, 11, 17, 20, 21, 22
local ENOSPC, ENOTEMPTY, ENODATA, EFBIG = 28, 39, 61, 27

local S_IFMT, S_IFDIR, S_IFREG, S_IFLNK = 0xF000, 0x4000, 0x8000, 0xA000

local function ikey(ino) return W .. 'inode:' .. ino end
local function blobkey(sha) return W .. 'blob:' .. sha end
local function ftype(m) return bit.band(tonumber(m), S_IFMT) end
local function isdir(m) return ftype(m) == S_IFDIR end

local NOW
local function now()
  if not NOW then
    local t = redis.call('TIME')
    NOW = t[1] .. string.format('%06d', tonumber(t[2])) .. '000'
  end
  return NOW
end

-- Appends the audit event: s session, o op, i inode, t time (ns), n name, then op-specific pairs.
local function audit(session, op, ino, name, extra)
  local a = { AUDIT, 'MAXLEN', '~', AUDIT_MAXLEN, '*', 's', session, 'o', op, 'i', ino, 't', now() }
  if name and name ~= '' then a[#a + 1] = 'n'; a[#a + 1] = name end
  if extra then for i = 1, #extra do a[#a + 1] = extra[i] end end
  redis.call('XADD', unpack(a))
end

-- The mode of a directory that can take new entries, or nil and the errno.
local function live_dir(key)
  local v = redis.call('HMGET', key, 'm', 'n')
  if not v[1] then return nil, ENOENT end
  if not isdir(v[1]) then return nil, ENOTDIR end
  if tonumber(v[2]) == 0 then return nil, ENOENT end
  return tonumber(v[1])
end

local function quota(field)
  return tonumber(redis.call('HGET', META, field) or '0')
end

local function used(field)
  return tonumber(redis.call('HGET', USAGE, field) or '0')
end

-- Links name -> ino into a directory, with the next per-directory sequence number as its cookie.
local function add_entry(pkey, dkey, skey, name, ino)
  redis.call('HSET', dkey, name, ino)
  redis.call('ZADD', skey, redis.call('HINCRBY', pkey, 'q', 1), name)
end

local function remove_entry(dkey, skey, name)
  redis.call('HDEL', dkey, name)
  redis.call('ZREM', skey, name)
end
