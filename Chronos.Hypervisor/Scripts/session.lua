-- session: starts, moves or ends a session record, and audits it.
-- KEYS: 1 meta, 2 usage, 3 audit, 4 session:<id>, 5 sessions (zset id by start, ms)
-- ARGV: 1 session id, 2 op ('start'|'cwd'|'end'), then
--   start: 3 user, 4 source address, 5 started (unix ms), 6 cwd, 7 environment (JSON)
--   cwd:   3 cwd
--   end:   3 ended (unix ms)
-- Returns {0} or {errno}: ENOENT (world or session missing), EEXIST (start of an existing id).
-- Invariant: every session hash is in the sessions zset, and its start and end are audited.
if redis.call('EXISTS', META) == 0 then return { ENOENT } end
local id, op = ARGV[1], ARGV[2]
if op == 'start' then
  if redis.call('EXISTS', KEYS[4]) == 1 then return { EEXIST } end
  redis.call('HSET', KEYS[4], 'user', ARGV[3], 'src', ARGV[4], 'started', ARGV[5], 'cwd', ARGV[6], 'env', ARGV[7])
  redis.call('ZADD', KEYS[5], ARGV[5], id)
  audit(id, 'session_start', 0, '', { 'user', ARGV[3], 'src', ARGV[4] })
  return { 0 }
end
if redis.call('EXISTS', KEYS[4]) == 0 then return { ENOENT } end
if op == 'cwd' then
  redis.call('HSET', KEYS[4], 'cwd', ARGV[3])
  audit(id, 'cwd', 0, ARGV[3], nil)
else
  redis.call('HSET', KEYS[4], 'ended', ARGV[3])
  audit(id, 'session_end', 0, '', nil)
end
return { 0 }
