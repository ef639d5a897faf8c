-- Moves ack cursors forward only: KEYS[i] is the cursors zset {u:<id>}:acks of the i-th ack, member clientId, score
-- seq. ARGV[1] key TTL s, then per key: clientId, seq. Several users' acks go in one call on standalone Redis only (a
-- cluster call must stay in one slot).
for i = 1, #KEYS do
  -- ZADD GT only ever moves a cursor forward, in one command (a hash needed an HGET and an HSET). A new member, maybe
  -- in a new key, gets the key's cleanup expiry; inbox.lua refreshes it with the user's other keys, since acks only
  -- follow messages (an EXPIRE per ack was a third of the ack's Redis work).
  if redis.call('ZADD', KEYS[i], 'GT', ARGV[2 * i + 1], ARGV[2 * i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
end
return 0
