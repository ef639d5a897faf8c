-- Queues a scheduled message once: a second schedule of the same id changes nothing.
-- KEYS[1] {delay}:due zset score dueAt -> id; KEYS[2] {delay}:msg hash id -> json
-- ARGV[1] id, ARGV[2] deliverAt (ms), ARGV[3] json
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
return 0
