-- Moves the ack cursor of (user, clientId) forward only.
-- KEYS[1] cursors hash {u:<id>}:cur, field clientId -> seq; ARGV[1] clientId, ARGV[2] seq, ARGV[3] key TTL s
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 0
