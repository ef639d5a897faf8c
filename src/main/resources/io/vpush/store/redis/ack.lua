-- Moves ack cursors forward only: KEYS[i] is the cursors hash {u:<id>}:cur of the i-th ack, field clientId -> seq.
-- ARGV[1] key TTL s, then per key: clientId, seq. Several users' acks go in one call on standalone Redis only (a
-- cluster call must stay in one slot).
for i = 1, #KEYS do
  local client, seq = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  local cur = tonumber(redis.call('HGET', KEYS[i], client) or '0')
  if seq > cur then redis.call('HSET', KEYS[i], client, seq) end
  redis.call('EXPIRE', KEYS[i], ARGV[1])
end
return 0
