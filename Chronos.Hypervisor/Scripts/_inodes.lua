-- Second prelude (after _prelude.lua): refcounted chunks, freeing inodes, open handles, the
-- ancestor walk. Used by the scripts that drop links or change content.
local BLOBREF = W .. 'blobref'
local HANDLES = W .. 'handles'
local ORPHANS = W .. 'orphans'
local LEASES = W .. 'leases'
local LIMBO = W .. 'limbo'

local function decref(sha)
  if redis.call('HINCRBY', BLOBREF, sha, -1) <= 0 then
    redis.call('HDEL', BLOBREF, sha)
    redis.call('DEL', blobkey(sha))
  end
end

-- A new use of a blob. The caller uploaded it before the script (SET NX with a TTL, so an upload
-- nothing ever uses expires); the first use makes it permanent.
local function incref(sha)
  if redis.call('HINCRBY', BLOBREF, sha, 1) == 1 then
    redis.call('PERSIST', blobkey(sha))
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
  redis.call('HINCRBY', USAGE, 'i', '-1')
  redis.call('SREM', ORPHANS, ino)
  redis.call('ZREM', LIMBO, ino)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Handle leases (hash client -> deadline, unix ms): a client holding one may have handles open
-- that it has not registered yet (a mount batches registrations), all of which it registers
-- before the lease ends. Returns the latest deadline of a lease held by a client other than
-- `client` that is still running, or nil; drops leases that have ended.
local function other_lease(client)
  local all = redis.call('HGETALL', LEASES)
  if #all == 0 then return nil end
  local t, latest = now_ms(), nil
  for i = 1, #all, 2 do
    local deadline = tonumber(all[i + 1])
    if deadline <= t then
      redis.call('HDEL', LEASES, all[i])
    elseif all[i] ~= client and (not latest or deadline > latest) then
      latest = deadline
    end
  end
  return latest
end

-- An inode with no links and no registered handle: freed now, unless another client's lease
-- runs, which may cover a handle not registered yet; then it stays an orphan in limbo (scored by
-- that lease's deadline) and reap_limbo frees it once the deadline passed with no handle open.
-- `client` false frees at once (directories: their handles are never registered).
local function release_inode(ino, client)
  local deadline = client and other_lease(client)
  if deadline then
    redis.call('SADD', ORPHANS, ino)
    redis.call('ZADD', LIMBO, 'GT', deadline, ino)
  else
    free_inode(ino)
  end
end

-- Frees the limbo orphans whose lease deadline has passed and that nobody registered since.
local function reap_limbo()
  local due = redis.call('ZRANGEBYSCORE', LIMBO, '-inf', now_ms(), 'LIMIT', 0, 64)
  for _, ino in ipairs(due) do
    redis.call('ZREM', LIMBO, ino)
    if redis.call('HGET', ikey(ino), 'n') == '0' and tonumber(redis.call('HGET', HANDLES, ino) or '0') <= 0 then
      free_inode(ino)
    end
  end
end

-- An inode whose link count reached 0: kept as an orphan while handles are open, else released.
local function unlinked(ino, client)
  redis.call('HSET', ikey(ino), 'n', '0', 'c', now())
  if tonumber(redis.call('HGET', HANDLES, ino) or '0') > 0 then
    redis.call('SADD', ORPHANS, ino)
  else
    release_inode(ino, client)
  end
end

-- Drops one link of a non-directory inode.
local function drop_link(ino, client)
  local ik = ikey(ino)
  if redis.call('HINCRBY', ik, 'n', '-1') <= 0 then
    unlinked(ino, client)
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

-- Chunk updates, given as flat ARGV groups of three starting at `first`:
--   index, expected ('*' = any, '' = absent, else the sha it must still have), new sha ('' = remove).
-- The bytes never pass through Lua (a 64 KiB argument costs Redis ~200 us in the Lua bridge,
-- measured, against ~1 us for a plain SET): the caller uploads each new blob beforehand.
-- Returns nil when an expectation failed or an unused new blob is not (or no longer) uploaded,
-- else the byte delta of applying them.
local function chunk_delta(ck, first, count)
  local delta = 0
  for i = 0, count - 1 do
    local base = first + i * 3
    local old = redis.call('HGET', ck, ARGV[base])
    local expected = ARGV[base + 1]
    if expected ~= '*' and (old or '') ~= expected then return nil end
    if old then delta = delta - redis.call('STRLEN', blobkey(old)) end
    local sha = ARGV[base + 2]
    if sha ~= '' then
      local len = redis.call('STRLEN', blobkey(sha))
      if len == 0 then return nil end
      delta = delta + len
    end
  end
  return delta
end

-- Applies groups checked by chunk_delta: every new use first, then every dropped use, so a blob
-- that moves between indexes in one call never touches refcount 0 on the way.
local function apply_chunks(ck, first, count)
  local dropped = {}
  for i = 0, count - 1 do
    local base = first + i * 3
    local idx, sha = ARGV[base], ARGV[base + 2]
    local old = redis.call('HGET', ck, idx)
    if old ~= sha then
      if sha ~= '' then
        incref(sha)
        redis.call('HSET', ck, idx, sha)
      else
        redis.call('HDEL', ck, idx)
      end
      if old then dropped[#dropped + 1] = old end
    end
  end
  for _, sha in ipairs(dropped) do decref(sha) end
end
