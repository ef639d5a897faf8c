-- Queues a scheduled message once: a second schedule of the same (user, id) changes nothing.
-- KEYS[1] {delay}:due2 zset score dueAt -> key; KEYS[2] {delay}:msg2 hash key -> json (keys ScheduledMessage.key:
-- length-prefixed, unambiguous); KEYS[3] {delay}:msg, the hash of the entries queued before (key id@user, which two
-- pairs could share), read here only so that a message queued there before the upgrade is not queued twice.
-- ARGV[1] key, ARGV[2] deliverAt (ms), ARGV[3] json, ARGV[4] the legacy key id@user, ARGV[5] user, ARGV[6] id
local legacy = redis.call('HGET', KEYS[3], ARGV[4])
if legacy then
  local o = cjson.decode(legacy)
  if o.u == ARGV[5] and o.id == ARGV[6] then return 0 end
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
return 0
