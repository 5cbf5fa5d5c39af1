-- mknod: creates nodes (regular, fifo, socket, device, directory or symlink) and links them: one
-- create, or a batch of creates that concurrent callers queued (group commit). Each create of a
-- batch is its own unit: checked, applied and audited as if it ran alone, in order, with its own
-- reply; one create's error never changes another's outcome (a later create sees an earlier one's
-- effects, exactly as if the two had been separate calls in that order).
-- KEYS: 1 meta, 2 usage, 3 audit, 4 next_ino, then per parent number p (1-based): 2+3p its inode,
--       3+3p its dir, 4+3p its dirseq
-- ARGV: 1 the number of profiles F, 2 the number of creates; then per profile (what the creates of
--       a run share) nine values: parent number, session, op ('mknod'|'mkdir'|'symlink'), mode
--       (with type bits), uid, gid, rdev, symlink target (or ''), and '1' when the callers want the
--       parent's attributes after the change; then, to the end, runs in the callers' order: a
--       profile number, a count n, and n names.
-- Returns one flat array: the time (ns); per profile the mode and gid its nodes get (a
-- set-group-ID parent changes them); per create, in order, the new inode number, or minus an
-- errno: ENOENT/ENOTDIR (parent), EEXIST, ENOSPC (inode quota, after freeing limbo orphans whose
-- leases have lapsed); then per parent, the parent's HGETALL after the whole batch if a create in
-- it that wanted them succeeded, else 0.
-- Builds the new inodes' keys from W (the numbers are allocated here).
-- Invariant: each new inode has exactly one entry; a directory gets nlink 2 and parent field,
-- and its parent's nlink grows by one; usage.i counts it; parent mtime/ctime = now.
--
-- Why it is shaped like this: a create used to be twelve redis.call; here everything that is
-- per parent or per batch (parent attributes, sequence counter, dirseq ZADD, quota, usage, inode
-- counter, time, audit trimming) is read once and written once, so a create in a batch costs
-- three calls (HSETNX, HSET, XADD). Reads of values only this script changes can be cached
-- because nothing else runs while a script runs. A create's own arguments are just its name, and
-- its reply one integer: Redis spends about 1,000 instructions on each argument (parsing it,
-- handing it to Lua, freeing it) and converting a reply table costs more than its elements
-- (callgrind, BENCHMARKS.md). (Tried and dropped: one HMGET of all of a parent's names in the
-- batch plus one HSET of its new entries instead of an HSETNX each cost 2 % more instructions
-- per create of a batch of 64, callgrind.)
local call, format, band, bor = redis.call, string.format, bit.band, bit.bor
local argv = ARGV
local profiles, count = tonumber(argv[1]), tonumber(argv[2])
local t = now()

-- Inode quota: free lapsed limbo orphans first when the batch could hit it, so a crashed
-- mount's open-unlinked leftovers do not hold the quota forever.
local qi = quota('qi')
local inodes = used('i')
if inodes + count > qi and call('ZCARD', LIMBO) > 0 then
  reap_limbo()
  inodes = used('i')
end

local last = tonumber(call('GET', KEYS[4]) or '0')
local made = 0

-- Parents by number: { key, dir key, ino, n, q, mkdirs, z (ZADD arguments), gid or false,
-- wanted } or { err = errno }.
local parents = {}
local function parent(number)
  local p = parents[number]
  if p then return p end
  local pkey = KEYS[2 + 3 * number]
  local v = call('HMGET', pkey, 'm', 'n', 'q', 'g')
  if not v[1] then
    p = { err = ENOENT }
  elseif not isdir(v[1]) then
    p = { err = ENOTDIR }
  elseif tonumber(v[2]) == 0 then
    p = { err = ENOENT }
  else
    p = { key = pkey, dkey = KEYS[3 + 3 * number], ino = string.sub(pkey, #W + 7), n = tonumber(v[2]),
          q = tonumber(v[3] or '0'), mkdirs = 0, z = { KEYS[4 + 3 * number] },
          gid = band(tonumber(v[1]), 0x400) ~= 0 and v[4], wanted = false }
  end
  parents[number] = p
  return p
end

local reply = { t }
local prof = {}
for f = 1, profiles do
  local a = 3 + 9 * (f - 1)
  local p = parent(tonumber(argv[a]))
  local op, mode, gid = argv[a + 2], argv[a + 3], argv[a + 5]
  if p.gid then
    -- A set-group-ID directory gives new nodes its group, and new directories its S_ISGID bit
    -- (inode_init_owner in Linux; for FUSE the filesystem does this, not the kernel).
    gid = p.gid
    if op == 'mkdir' then mode = format('%d', bor(tonumber(mode), 0x400)) end
  end
  prof[f] = { p = p, session = argv[a + 1], op = op, mode = mode, uid = argv[a + 4], gid = gid,
              rdev = argv[a + 6], target = argv[a + 7], want = argv[a + 8] == '1' }
  reply[2 * f] = mode
  reply[2 * f + 1] = gid
end

local out = 1 + 2 * profiles
local i, nargs = 3 + 9 * profiles, #argv
while i <= nargs do
  local f = prof[tonumber(argv[i])]
  local last_name = i + 1 + tonumber(argv[i + 1])
  local p = f.p
  local session, op, mode, uid, gid = f.session, f.op, f.mode, f.uid, f.gid
  for j = i + 2, last_name do
    local name = argv[j]
    local r
    if p.err then
      r = -p.err
    elseif inodes + made + 1 > qi then
      r = call('HEXISTS', p.dkey, name) == 1 and -EEXIST or -ENOSPC
    else
      -- Numbers are made strings here, once each, with '%d': passed as numbers, Lua converts
      -- each with printf's floating-point path (callgrind: a tenth of a batched create).
      local ino = format('%d', last + made + 1)
      if call('HSETNX', p.dkey, name, ino) == 0 then
        r = -EEXIST
      else
        made = made + 1
        p.q = p.q + 1
        local z = p.z
        z[#z + 1] = format('%d', p.q)
        z[#z + 1] = name
        local ik = W .. 'inode:' .. ino
        if op == 'mkdir' then
          call('HSET', ik, 'm', mode, 'n', '2', 'u', uid, 'g', gid, 's', '4096', 'a', t, 't', t, 'c', t, 'p', p.ino, 'q', '2')
          p.mkdirs = p.mkdirs + 1
        elseif op == 'symlink' then
          call('HSET', ik, 'm', mode, 'n', '1', 'u', uid, 'g', gid, 's', format('%d', #f.target), 'a', t, 't', t, 'c', t, 'l', f.target)
        elseif f.rdev == '0' then
          -- Size and rdev 0 are left out (absent means 0): two fields fewer cost Redis 7 % less
          -- per create (callgrind).
          call('HSET', ik, 'm', mode, 'n', '1', 'u', uid, 'g', gid, 'a', t, 't', t, 'c', t)
        else
          call('HSET', ik, 'm', mode, 'n', '1', 'u', uid, 'g', gid, 'a', t, 't', t, 'c', t, 'r', f.rdev)
        end
        -- The audit trim is once per batch, below (MAXLEN ~ on every XADD cost a check each time).
        call('XADD', AUDIT, '*', 's', session, 'o', op, 'i', ino, 't', t, 'n', name, 'm', mode)
        r = last + made
        if f.want then p.wanted = true end
      end
    end
    out = out + 1
    reply[out] = r
  end
  i = last_name + 1
end

local nparents = (#KEYS - 4) / 3
if made > 0 then
  call('INCRBY', KEYS[4], made)
  call('HINCRBY', USAGE, 'i', made)
  for number = 1, nparents do
    local p = parents[number]
    if p and p.z and #p.z > 1 then
      call('ZADD', unpack(p.z))
      call('HSET', p.key, 'q', p.q, 'n', p.n + p.mkdirs, 't', t, 'c', t)
    end
  end
  call('XTRIM', AUDIT, 'MAXLEN', '~', AUDIT_MAXLEN)
end
for number = 1, nparents do
  local p = parents[number]
  reply[out + number] = p and p.wanted and call('HGETALL', p.key) or 0
end
return reply
