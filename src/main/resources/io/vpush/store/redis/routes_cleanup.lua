-- Removes route entries whose logical expiry is at or before now; an entry refreshed since it was read survives.
-- KEYS[1] {u:<id>}:routes hash; ARGV[1] now (ms); ARGV[2..] fields
local n = 0
local now = tonumber(ARGV[1])
for i = 2, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and tonumber(cjson.decode(v).x) <= now then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
