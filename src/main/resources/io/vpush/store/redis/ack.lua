-- Moves ack cursors forward only, and never past the user's last seq. Per ack i, two keys: KEYS[2i-1] the cursors
-- zset {u:<id>}:acks (member clientId, score seq) and KEYS[2i] the user's meta hash {u:<id>}:meta (field seq).
-- ARGV[1] key TTL s, then per ack: clientId, seq. Several users' acks go in one call on standalone Redis only (a
-- cluster call must stay in one slot; a user's two keys share its hash tag).
for i = 1, #KEYS / 2 do
  -- A client cannot have seen a seq the user never had: a cursor past the last seq would hide every later message
  -- (up to it) from that client's catch-up, so the ack is clamped to the last seq.
  local last = tonumber(redis.call('HGET', KEYS[2 * i], 'seq') or '0')
  local seq = math.min(tonumber(ARGV[2 * i + 1]), last)
  -- ZADD GT only ever moves a cursor forward, in one command (a hash needed an HGET and an HSET). A new member, maybe
  -- in a new key, gets the key's cleanup expiry; inbox.lua refreshes it with the user's other keys, since acks only
  -- follow messages (an EXPIRE per ack was a third of the ack's Redis work).
  if seq > 0 and redis.call('ZADD', KEYS[2 * i - 1], 'GT', string.format('%d', seq), ARGV[2 * i]) == 1 then
    redis.call('EXPIRE', KEYS[2 * i - 1], ARGV[1])
  end
end
return 0
