-- Users' inboxes, atomically. All keys of one user share the user's hash tag {u:<id>}; per user, 5 keys:
--   meta  hash: seq -> the user's last seq; k -> the time (ms) until which the inbox keys are known to live;
--               n -> how many messages the inbox holds; e -> no message expires before this time (ms)
--               (n and e are trusted only before k: past it the keys may have expired)
--   inbox zset: score seq, member "<seq>:<idByteLen>:<id><entry json>"
--   exp   zset: score expiresAt (ms), member seq
--   ids   hash: message id -> seq, for exactly as long as the message is retained
--   acks  zset: the ack cursors, clientId by seq (ack.lua writes them); only its cleanup expiry is refreshed here
-- ARGV[1] op: 'accept' or 'read'; ARGV[2] now (ms, from the caller's clock: never Redis TIME, so tests can move time)
-- accept: ARGV[3] cap, ARGV[4] meta TTL s, ARGV[5] the margin (s) the inbox keys outlive their last message, then per
--         user: the user id, its message count c, then per message (in order) 3 values: id, expiresAt, entry json.
--         The script names a user's keys from its id (the same names as RedisKeys): an accept call carries about
--         5 arguments per user instead of 10, and encoding the arguments was the node's largest cost. KEYS holds
--         the first user's meta key only so that a cluster client routes the call (a cluster call has one user).
--   returns per user {expiredCount, cappedCount, then per message: 0 and its new seq, or 1 and the duplicate's member}
--   Several messages of one user go in one call so a NOSCRIPT retry can never reorder them; several users go in one
--   call only on standalone Redis (a cluster call must stay in one slot), which saves a script call per user.
-- read:   one user (its first 4 keys); ARGV[3] afterSeq, ARGV[4] limit
--   returns {lastSeq, retained count after afterSeq, expiredCount, member...} (up to limit+1 members)

-- Lua numbers go back to Redis as decimal strings: tostring could use exponent form.
local function fmt(x)
  return string.format('%d', x)
end

local function userKeys(user)
  local tag = '{u:' .. user .. '}'
  return {tag .. ':meta', tag .. ':inbox', tag .. ':exp', tag .. ':ids', tag .. ':acks'}
end

local function parse(member)
  local c1 = string.find(member, ':', 1, true)
  local c2 = string.find(member, ':', c1 + 1, true)
  local len = tonumber(string.sub(member, c1 + 1, c2 - 1))
  return string.sub(member, 1, c1 - 1), string.sub(member, c2 + 1, c2 + len)
end

-- Never past 2^53 - 1, so the number survives Lua's doubles exactly: 'no message left to expire'.
local NONE = 9007199254740991

-- Drops every message of the user whose expiry is at or before now; returns how many, and the earliest expiry left.
local function purge(K, now)
  local due = redis.call('ZRANGEBYSCORE', K[3], '-inf', now)
  for i = 1, #due do
    local m = redis.call('ZRANGEBYSCORE', K[2], due[i], due[i])
    if m[1] then
      local _, id = parse(m[1])
      redis.call('HDEL', K[4], id)
      redis.call('ZREMRANGEBYSCORE', K[2], due[i], due[i])
    end
  end
  if #due > 0 then redis.call('ZREMRANGEBYSCORE', K[3], '-inf', now) end
  local first = redis.call('ZRANGE', K[3], 0, 0, 'WITHSCORES')
  return #due, tonumber(first[2] or NONE)
end

-- Real key expiry only for cleanup of abandoned users; it is only ever extended. Refreshing it on every accept cost
-- seven calls per message (three TTL, four EXPIRE); the horizon kept in meta field k makes it one HGET, and the keys
-- are refreshed when the wanted horizon passes k by more than an hour (they live at least their TTL plus the day of
-- margin the caller adds, less that hour), or when the inbox was just created (an emptied zset is deleted by Redis).
-- The cursors key is refreshed with meta (acks only follow messages, so a user whose cursors matter gets accepts).
local SLACK_MS = 3600000
local function extend(K, now, keepSecs, metaSecs, created, known)
  local wanted = now + keepSecs * 1000
  if wanted <= known + SLACK_MS and not created then return end
  local horizon = math.max(known, wanted)
  local secs = math.ceil((horizon - now) / 1000)
  redis.call('EXPIRE', K[2], secs)
  redis.call('EXPIRE', K[3], secs)
  redis.call('EXPIRE', K[4], secs)
  redis.call('HSET', K[1], 'k', fmt(horizon))
  redis.call('EXPIRE', K[1], metaSecs)
  redis.call('EXPIRE', K[5], metaSecs)
end

-- Accepts one user's c messages whose values start at ARGV[first]; returns the user's answer. The seq counter and the
-- expiry horizon are read once per user and the counter written back once; HSETNX claims a message id for the next seq
-- in the same call that finds a duplicate (it was an HGET, an HINCRBY and an HSET per message). The expiry zset is
-- searched only once its earliest expiry (meta e) has come: it was one ZRANGEBYSCORE per user per call.
local function accept(K, now, cap, metaSecs, margin, first, c)
  -- Times go to Redis as the caller's decimal strings: a Lua number could be formatted in exponent form.
  local meta = redis.call('HMGET', K[1], 'seq', 'k', 'n', 'e')
  local seq = tonumber(meta[1] or '0')
  local last = seq
  local known = tonumber(meta[2] or '0')
  local trusted = now < known
  local e0 = trusted and tonumber(meta[4] or '0') or 0
  local e = e0
  local expired = 0
  if now >= e then expired, e = purge(K, ARGV[2]) end
  -- The inbox count is kept in meta so an accept needs no ZCARD per message; it is read from the zset only when it
  -- cannot be trusted (never written, or past the horizon k, when Redis may have expired the keys).
  local n = tonumber(meta[3] or '-1')
  if n < 0 or not trusted then n = redis.call('ZCARD', K[2]) else n = n - expired end
  local count = n
  local created = false
  local capped = 0
  local keep = 0
  local out = {0, 0}
  for k = first, first + 3 * (c - 1), 3 do
    local id = ARGV[k]
    local done = false
    local next = fmt(seq + 1)
    if redis.call('HSETNX', K[4], id, next) == 0 then
      local was = redis.call('HGET', K[4], id)
      local m = redis.call('ZRANGEBYSCORE', K[2], was, was)
      if m[1] then
        out[#out + 1] = 1
        out[#out + 1] = m[1]
        done = true
      else
        redis.call('HSET', K[4], id, next)  -- stale index entry (its inbox key vanished): the id is new again
      end
    end
    if not done then
      seq = seq + 1
      local expiresAt = tonumber(ARGV[k + 1])
      local member = next .. ':' .. string.len(id) .. ':' .. id .. ARGV[k + 2]
      redis.call('ZADD', K[2], next, member)
      redis.call('ZADD', K[3], ARGV[k + 1], next)
      if expiresAt < e then e = expiresAt end
      n = n + 1
      if n == 1 then created = true end  -- the zset was empty, so Redis had deleted it: a new key without expiry
      -- Trimming goes by the zset's own count, so a count gone wrong (keys evicted under maxmemory) never drops more.
      -- It keeps e a bound: dropping messages can only make the earliest expiry later.
      if n > cap then n = redis.call('ZCARD', K[2]) end
      if n > cap then
        local old = redis.call('ZRANGE', K[2], 0, n - cap - 1)
        for i = 1, #old do
          local s, oldId = parse(old[i])
          redis.call('HDEL', K[4], oldId)
          redis.call('ZREM', K[3], s)
        end
        redis.call('ZREMRANGEBYRANK', K[2], 0, n - cap - 1)
        capped = capped + #old
        n = n - #old
      end
      -- A message already past its expiry (released late) is accepted and dropped at once.
      if expiresAt <= now then
        local gone
        gone, e = purge(K, ARGV[2])
        expired = expired + gone
        n = n - gone
      end
      keep = math.max(keep, math.ceil((expiresAt - now) / 1000) + margin)
      out[#out + 1] = 0
      out[#out + 1] = seq
    end
  end
  local fields = {}
  if seq > last or n ~= count or expired > 0 then fields = {'seq', fmt(seq), 'n', fmt(n)} end
  if e ~= e0 then
    fields[#fields + 1] = 'e'
    fields[#fields + 1] = fmt(e)
  end
  if #fields > 0 then redis.call('HSET', K[1], unpack(fields)) end
  if keep > 0 then extend(K, now, keep, metaSecs, created, known) end
  out[1] = expired
  out[2] = capped
  return out
end

local now = tonumber(ARGV[2])

if ARGV[1] == 'read' then
  local K = {KEYS[1], KEYS[2], KEYS[3], KEYS[4]}
  local meta = redis.call('HMGET', K[1], 'seq', 'k', 'e')
  local trusted = now < tonumber(meta[2] or '0')
  local expired = 0
  if not trusted or now >= tonumber(meta[3] or '0') then
    local e
    expired, e = purge(K, ARGV[2])
    -- Only a live meta learns the bound: a read must not create meta for a user Redis has forgotten.
    if trusted then redis.call('HSET', K[1], 'e', fmt(e)) end
    -- Keep meta's count in step (a negative or stale count is not trusted by accept, which then counts the zset).
    if expired > 0 then redis.call('HINCRBY', K[1], 'n', -expired) end
  end
  local limit = tonumber(ARGV[4])
  local last = tonumber(meta[1] or '0')
  local retained = redis.call('ZCOUNT', K[2], '(' .. ARGV[3], '+inf')
  local out = {last, retained, expired}
  local page = redis.call('ZRANGEBYSCORE', K[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0, limit + 1)
  for i = 1, #page do out[#out + 1] = page[i] end
  return out
end

local cap = tonumber(ARGV[3])
local margin = tonumber(ARGV[5])
local answers = {}
local a = 6
while a <= #ARGV do
  local c = tonumber(ARGV[a + 1])
  answers[#answers + 1] = accept(userKeys(ARGV[a]), now, cap, ARGV[4], margin, a + 2, c)
  a = a + 2 + 3 * c
end
return answers
