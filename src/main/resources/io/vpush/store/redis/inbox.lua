-- One user's inbox, atomically. All keys share the user's hash tag {u:<id>}.
-- KEYS[1] meta  hash: seq -> the user's last seq; k -> the time (ms) until which the inbox keys are known to live
-- KEYS[2] inbox zset: score seq, member "<seq>:<idByteLen>:<id><entry json>"
-- KEYS[3] exp   zset: score expiresAt (ms), member seq
-- KEYS[4] ids   hash: message id -> seq, for exactly as long as the message is retained
-- ARGV[1] op: 'accept' or 'read'; ARGV[2] now (ms, from the caller's clock: never Redis TIME, so tests can move time)
-- accept: ARGV[3] cap, ARGV[4] meta TTL s, then per message (in order) 4 values:
--         id, expiresAt, entry json, inbox keys' TTL s
--   returns {expiredCount, cappedCount, then per message: duplicate 0|1, member}
--   Several messages of one user go in one call so a NOSCRIPT retry can never reorder them.
-- read:   ARGV[3] afterSeq, ARGV[4] limit
--   returns {lastSeq, retained count after afterSeq, expiredCount, member...} (up to limit+1 members)

local function parse(member)
  local c1 = string.find(member, ':', 1, true)
  local c2 = string.find(member, ':', c1 + 1, true)
  local len = tonumber(string.sub(member, c1 + 1, c2 - 1))
  return string.sub(member, 1, c1 - 1), string.sub(member, c2 + 1, c2 + len)
end

-- Drops every message whose expiry is at or before now; returns how many.
local function purge(now)
  local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
  for i = 1, #due do
    local m = redis.call('ZRANGEBYSCORE', KEYS[2], due[i], due[i])
    if m[1] then
      local _, id = parse(m[1])
      redis.call('HDEL', KEYS[4], id)
      redis.call('ZREMRANGEBYSCORE', KEYS[2], due[i], due[i])
    end
  end
  if #due > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
  return #due
end

-- Real key expiry only for cleanup of abandoned users; it is only ever extended. Refreshing it on every accept cost
-- seven calls per message (three TTL, four EXPIRE); the horizon kept in meta field k makes it one HGET, and the keys
-- are refreshed when the wanted horizon passes k by more than an hour (they live at least their TTL plus the day of
-- margin the caller adds, less that hour), or when the inbox was just created (an emptied zset is deleted by Redis).
local SLACK_MS = 3600000
local function extend(now, keepSecs, metaSecs, created)
  local known = tonumber(redis.call('HGET', KEYS[1], 'k') or '0')
  local wanted = now + keepSecs * 1000
  if wanted <= known + SLACK_MS and not created then return end
  local horizon = math.max(known, wanted)
  local secs = math.ceil((horizon - now) / 1000)
  redis.call('EXPIRE', KEYS[2], secs)
  redis.call('EXPIRE', KEYS[3], secs)
  redis.call('EXPIRE', KEYS[4], secs)
  redis.call('HSET', KEYS[1], 'k', string.format('%d', horizon))
  redis.call('EXPIRE', KEYS[1], metaSecs)
end

-- Times go to Redis as the caller's decimal strings: a Lua number could be formatted in exponent form.
local expired = purge(ARGV[2])

if ARGV[1] == 'read' then
  local limit = tonumber(ARGV[4])
  local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
  local retained = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf')
  local out = {last, retained, expired}
  local page = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0, limit + 1)
  for i = 1, #page do out[#out + 1] = page[i] end
  return out
end

local cap = tonumber(ARGV[3])
local now = tonumber(ARGV[2])
local created = false
local capped = 0
local keep = 0
local out = {0, 0}
for k = 5, #ARGV, 4 do
  local id = ARGV[k]
  local done = false
  local known = redis.call('HGET', KEYS[4], id)
  if known then
    local m = redis.call('ZRANGEBYSCORE', KEYS[2], known, known)
    if m[1] then
      out[#out + 1] = 1
      out[#out + 1] = m[1]
      done = true
    else
      redis.call('HDEL', KEYS[4], id)  -- stale index entry (its inbox key vanished): treat the id as new
    end
  end
  if not done then
    local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
    local member = seq .. ':' .. string.len(id) .. ':' .. id .. ARGV[k + 2]
    redis.call('ZADD', KEYS[2], seq, member)
    redis.call('ZADD', KEYS[3], ARGV[k + 1], seq)
    redis.call('HSET', KEYS[4], id, seq)
    local n = redis.call('ZCARD', KEYS[2])
    if n == 1 then created = true end
    if n > cap then
      local old = redis.call('ZRANGE', KEYS[2], 0, n - cap - 1)
      for i = 1, #old do
        local s, oldId = parse(old[i])
        redis.call('HDEL', KEYS[4], oldId)
        redis.call('ZREM', KEYS[3], s)
      end
      redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - cap - 1)
      capped = capped + #old
    end
    -- A message already past its expiry (released late) is accepted and dropped at once.
    if tonumber(ARGV[k + 1]) <= now then expired = expired + purge(ARGV[2]) end
    keep = math.max(keep, tonumber(ARGV[k + 3]))
    out[#out + 1] = 0
    out[#out + 1] = member
  end
end

if keep > 0 then extend(now, keep, ARGV[4], created) end
out[1] = expired
out[2] = capped
return out
