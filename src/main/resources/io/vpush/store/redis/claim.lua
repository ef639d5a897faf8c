-- Claims up to max due items: each is moved to its lease end, so concurrent claimers never share one
-- and an unfinished claim becomes due again when the lease ends.
-- KEYS[1] {delay}:due zset; KEYS[2] {delay}:msg hash; ARGV[1] now, ARGV[2] max, ARGV[3] lease end (ms)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #ids do
  local v = redis.call('HGET', KEYS[2], ids[i])
  if v then
    redis.call('ZADD', KEYS[1], ARGV[3], ids[i])
    out[#out + 1] = v
  else
    redis.call('ZREM', KEYS[1], ids[i])
  end
end
return out
