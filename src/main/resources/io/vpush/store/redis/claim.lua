-- Claims up to max due items: each is moved to its lease end, so concurrent claimers never share one
-- and an unfinished claim becomes due again when the lease ends.
-- KEYS[1] {delay}:due2 zset, KEYS[2] {delay}:msg2 hash: the queue (see schedule.lua); KEYS[3] {delay}:due, KEYS[4]
-- {delay}:msg: the queue of entries written before the upgrade (key id@user), claimed first until it is empty.
-- ARGV[1] now, ARGV[2] max, ARGV[3] lease end (ms). Returns the claimed items' json.
local out = {}
local function claim(due, msg, max)
  local keys = redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, max)
  for i = 1, #keys do
    local v = redis.call('HGET', msg, keys[i])
    if v then
      redis.call('ZADD', due, ARGV[3], keys[i])
      out[#out + 1] = v
    else
      redis.call('ZREM', due, keys[i])
    end
  end
end
local max = tonumber(ARGV[2])
claim(KEYS[3], KEYS[4], max)
if #out < max then claim(KEYS[1], KEYS[2], max - #out) end
return out
