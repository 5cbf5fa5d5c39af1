-- Prelude shared by every script in this folder. ScriptLibrary prepends it to each script before
-- SCRIPT LOAD (files whose name starts with '_' are preludes, not scripts), so each script is
-- still one self-contained EVALSHA.
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
-- Times are strings of nanoseconds since the epoch, built from TIME inside the script so every
-- mount agrees; Lua never does arithmetic on them (doubles would lose nanoseconds).
local W = string.sub(KEYS[1], 1, -5)
local META, USAGE, AUDIT = KEYS[1], KEYS[2], KEYS[3]
local BLOBREF = W .. 'blobref'
local HANDLES = W .. 'handles'
local ORPHANS = W .. 'orphans'
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

local function decref(sha)
  if redis.call('HINCRBY', BLOBREF, sha, -1) <= 0 then
    redis.call('HDEL', BLOBREF, sha)
    redis.call('DEL', blobkey(sha))
  end
end

local function incref(sha, data)
  if redis.call('HINCRBY', BLOBREF, sha, 1) == 1 then
    redis.call('SET', blobkey(sha), data)
  end
end

-- Deletes an inode and everything it owns; its chunks release their blobs.
local function free_inode(ino)
  local ik = ikey(ino)
  local v = redis.call('HMGET', ik, 'b', 'x')
  local ck = W .. 'chunks:' .. ino
  for _, sha in ipairs(redis.call('HVALS', ck)) do decref(sha) end
  redis.call('DEL', ik, ck, W .. 'xattr:' .. ino, W .. 'dir:' .. ino, W .. 'dirseq:' .. ino)
  -- (never pass -(0): Lua formats it as "-0", which HINCRBY rejects)
  local bytes = tonumber(v[1] or '0') + tonumber(v[2] or '0')
  if bytes ~= 0 then redis.call('HINCRBY', USAGE, 'b', -bytes) end
  redis.call('HINCRBY', USAGE, 'i', -1)
  redis.call('SREM', ORPHANS, ino)
end

-- An inode whose link count reached 0: freed now, or kept as an orphan while handles are open.
local function unlinked(ino)
  if tonumber(redis.call('HGET', HANDLES, ino) or '0') > 0 then
    redis.call('HSET', ikey(ino), 'n', 0, 'c', now())
    redis.call('SADD', ORPHANS, ino)
  else
    free_inode(ino)
  end
end

-- Drops one link of a non-directory inode.
local function drop_link(ino)
  local ik = ikey(ino)
  if redis.call('HINCRBY', ik, 'n', -1) <= 0 then
    unlinked(ino)
  else
    redis.call('HSET', ik, 'c', now())
  end
end

-- True when directory `ancestor` is `dir` or one of its ancestors (walks the parent fields).
local function is_ancestor(ancestor, dir)
  local cur = tostring(dir)
  ancestor = tostring(ancestor)
  for _ = 1, 100000 do
    if cur == ancestor then return true end
    if cur == '1' then return false end
    local p = redis.call('HGET', ikey(cur), 'p')
    if not p or p == cur then return false end
    cur = p
  end
  return true
end

-- Chunk updates, given as flat ARGV groups of four starting at `first`:
--   index, expected ('*' = any, '' = absent, else the sha it must still have), new sha ('' = remove), data.
-- Returns nil when an expectation failed, else the byte delta of applying them.
local function chunk_delta(ck, first, count)
  local delta = 0
  for i = 0, count - 1 do
    local base = first + i * 4
    local old = redis.call('HGET', ck, ARGV[base])
    local expected = ARGV[base + 1]
    if expected ~= '*' and (old or '') ~= expected then return nil end
    if old then delta = delta - redis.call('STRLEN', blobkey(old)) end
    if ARGV[base + 2] ~= '' then delta = delta + #ARGV[base + 3] end
  end
  return delta
end

local function apply_chunks(ck, first, count)
  for i = 0, count - 1 do
    local base = first + i * 4
    local idx, sha = ARGV[base], ARGV[base + 2]
    local old = redis.call('HGET', ck, idx)
    if old ~= sha then
      if sha ~= '' then
        incref(sha, ARGV[base + 3])
        redis.call('HSET', ck, idx, sha)
      else
        redis.call('HDEL', ck, idx)
      end
      if old then decref(old) end
    end
  end
end

-- ======================================================================================
