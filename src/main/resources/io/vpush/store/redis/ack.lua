-- Moves ack cursors forward only: KEYS[i] is the cursors hash {u:<id>}:cur of the i-th ack, field clientId -> seq.
-- ARGV[1] key TTL s, then per key: clientId, seq. Several users' acks go in one call on standalone Redis only (a
-- cluster call must stay in one slot).
for i = 1, #KEYS do
  local client, seq = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  local cur = tonumber(redis.call('HGET', KEYS[i], client) or '0')
  -- The key's cleanup expiry is set when a field is created (possibly the key) and refreshed by inbox.lua with the
  -- user's other keys: an EXPIRE per ack was a third of the ack's Redis work.
  if seq > cur and redis.call('HSET', KEYS[i], client, seq) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
end
return 0
