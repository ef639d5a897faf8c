-- Removes released scheduled messages for good. KEYS as claim.lua: {delay}:due2, {delay}:msg2, then the legacy
-- {delay}:due and {delay}:msg. ARGV per message, 4 values: its key, its legacy key id@user, user, id.
-- A legacy entry goes only if it is this message's: the legacy key of (c, a@b) is also that of (b@c, a).
for i = 1, #ARGV, 4 do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  local legacy = redis.call('HGET', KEYS[4], ARGV[i + 1])
  if legacy then
    local o = cjson.decode(legacy)
    if o.u == ARGV[i + 2] and o.id == ARGV[i + 3] then
      redis.call('ZREM', KEYS[3], ARGV[i + 1])
      redis.call('HDEL', KEYS[4], ARGV[i + 1])
    end
  end
end
return 0
