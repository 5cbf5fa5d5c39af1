-- mknod: creates nodes (regular, fifo, socket, device, directory or symlink) and links them: one
-- create, or a batch of creates that concurrent callers queued (group commit). Each create of a
-- batch is its own unit: checked, applied and audited as if it ran alone, in order, with its own
-- reply; one create's error never changes another's outcome (a later create sees an earlier one's
-- effects, exactly as if the two had been separate calls in that order).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 next_ino, then per create j (0-based):
--       5+3j parent inode, 6+3j parent dir, 7+3j parent dirseq
-- ARGV: per create j, ten values from 1+10j: session, op ('mknod'|'mkdir'|'symlink'), name,
--       mode (with type bits), uid, gid, rdev, symlink target (or ''), parent ino, and '1' when
--       the caller wants the parent's attributes after the change
-- Returns one reply per create, in order: {0, ino, time ns, mode, gid[, k]} or {errno}: ENOENT/
-- ENOTDIR (parent), EEXIST, ENOSPC (inode quota, after freeing limbo orphans whose leases have
-- lapsed); then, for each k, element count+k is {parent ino, the parent's HGETALL after the
-- whole batch} (the attributes each wanting create's parent was left with).
-- Builds the new inodes' keys from W (the numbers are allocated here).
-- Invariant: each new inode has exactly one entry; a directory gets nlink 2 and parent field,
-- and its parent's nlink grows by one; usage.i counts it; parent mtime/ctime = now.
--
-- Why it is shaped like this: a create used to be twelve redis.call; here everything that is
-- per parent or per batch (parent attributes, sequence counter, dirseq ZADD, quota, usage, inode
-- counter, time, audit trimming) is read once and written once, so a create in a batch costs
-- three calls (HSETNX, HSET, XADD). Reads of values only this script changes can be cached
-- because nothing else runs while a script runs. (Tried and dropped: one HMGET of all of a
-- parent's names in the batch plus one HSET of its new entries instead of an HSETNX each cost 2 %
-- more instructions per create of a batch of 64, callgrind.)
local count = (#KEYS - 4) / 3
local t = now()

-- Inode quota: free lapsed limbo orphans first when the batch could hit it, so a crashed
-- mount's open-unlinked leftovers do not hold the quota forever.
local qi = quota('qi')
local inodes = used('i')
if inodes + count > qi and redis.call('ZCARD', LIMBO) > 0 then
  reap_limbo()
  inodes = used('i')
end

local last = tonumber(redis.call('GET', KEYS[4]) or '0')
local made = 0

-- Per parent inode key: { mode, q (sequence), mkdirs, dirseq key, ZADD arguments, gid or false }
-- or { err = errno }.
local parents = {}
local order = {}
local function parent_of(pkey, skey)
  local p = parents[pkey]
  if p then return p end
  local v = redis.call('HMGET', pkey, 'm', 'n', 'q', 'g')
  if not v[1] then
    p = { err = ENOENT }
  elseif not isdir(v[1]) then
    p = { err = ENOTDIR }
  elseif tonumber(v[2]) == 0 then
    p = { err = ENOENT }
  else
    local mode = tonumber(v[1])
    p = { mode = mode, n = tonumber(v[2]), q = tonumber(v[3] or '0'), mkdirs = 0, skey = skey, z = { skey },
          gid = bit.band(mode, 0x400) ~= 0 and v[4], ino = false, k = false }
    order[#order + 1] = pkey
  end
  parents[pkey] = p
  return p
end

local replies = {}
local wanted = 0
for j = 0, count - 1 do
  local pkey, dkey = KEYS[5 + 3 * j], KEYS[6 + 3 * j]
  local a = 10 * j
  local session, op, name, mode, uid, gid, rdev, target, pino =
    ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9]
  local p = parent_of(pkey, KEYS[7 + 3 * j])
  local reply
  if p.err then
    reply = { p.err }
  else
    if p.gid then
      -- A set-group-ID directory gives new nodes its group, and new directories its S_ISGID bit
      -- (inode_init_owner in Linux; for FUSE the filesystem does this, not the kernel).
      gid = p.gid
      if op == 'mkdir' then mode = bit.bor(tonumber(mode), 0x400) end
    end
    if inodes + made + 1 > qi then
      reply = { redis.call('HEXISTS', dkey, name) == 1 and EEXIST or ENOSPC }
    else
      -- Numbers are made strings here, once each, with '%d': passed as numbers, Lua converts
      -- each with printf's floating-point path (callgrind: a tenth of a batched create).
      local ino = string.format('%d', last + made + 1)
      if redis.call('HSETNX', dkey, name, ino) == 0 then
        reply = { EEXIST }
      else
        made = made + 1
        p.q = p.q + 1
        local z = p.z
        z[#z + 1] = string.format('%d', p.q)
        z[#z + 1] = name
        local ik = ikey(ino)
        if op == 'mkdir' then
          redis.call('HSET', ik, 'm', mode, 'n', '2', 'u', uid, 'g', gid, 's', '4096', 'a', t, 't', t, 'c', t, 'p', pino, 'q', '2')
          p.mkdirs = p.mkdirs + 1
        elseif op == 'symlink' then
          redis.call('HSET', ik, 'm', mode, 'n', '1', 'u', uid, 'g', gid, 's', string.format('%d', #target), 'a', t, 't', t, 'c', t, 'l', target)
        else
          redis.call('HSET', ik, 'm', mode, 'n', '1', 'u', uid, 'g', gid, 's', '0', 'a', t, 't', t, 'c', t, 'r', rdev)
        end
        -- The audit trim is once per batch, below (MAXLEN ~ on every XADD cost a check each time).
        redis.call('XADD', AUDIT, '*', 's', session, 'o', op, 'i', ino, 't', t, 'n', name, 'm', mode)
        reply = { 0, last + made, t, mode, gid }
        if ARGV[a + 10] == '1' then
          if not p.k then
            wanted = wanted + 1
            p.k = wanted
            p.ino = pino
          end
          reply[6] = p.k
        end
      end
    end
  end
  replies[j + 1] = reply
end

if made > 0 then
  redis.call('INCRBY', KEYS[4], made)
  redis.call('HINCRBY', USAGE, 'i', made)
  for _, pkey in ipairs(order) do
    local p = parents[pkey]
    if #p.z > 1 then
      redis.call('ZADD', unpack(p.z))
      redis.call('HSET', pkey, 'q', p.q, 'n', p.n + p.mkdirs, 't', t, 'c', t)
    end
  end
  redis.call('XTRIM', AUDIT, 'MAXLEN', '~', AUDIT_MAXLEN)
  for _, pkey in ipairs(order) do
    local p = parents[pkey]
    if p.k then replies[count + p.k] = { p.ino, redis.call('HGETALL', pkey) } end
  end
end
return replies
