-- audit: appends a non-filesystem event (an SSH login, a command) to the world's audit stream.
-- KEYS: 1 meta, 2 usage, 3 audit
-- ARGV: 1 session ('' none), 2 op, then field/value pairs
-- Returns {0} or {ENOENT} when the world does not exist.
if redis.call('EXISTS', META) == 0 then return { ENOENT } end
local extra = {}
for i = 3, #ARGV do extra[#extra + 1] = ARGV[i] end
audit(ARGV[1], ARGV[2], 0, '', extra)
return { 0 }
