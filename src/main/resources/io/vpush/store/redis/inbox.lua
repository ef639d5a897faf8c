-- Users' inboxes, atomically. All keys of one user share the user's hash tag {u:<id>}; per user, 5 keys:
--   meta  hash: the user's state, fields below
--   inbox hash: seq -> member "<seq>:<idByteLen>:<id><entry json>" (the entry starts {"ts":..,"e":<expiresAt>,..},
--               then "f":1 when the id is fresh: drawn at random for this publish, so it is not in ids)
--   exp   zset: score expiresAt (ms), member seq, for the out-of-order messages only (see below)
--   ids   hash: message id -> seq, for exactly as long as the message is retained (fresh ids are never in it)
--   acks  zset: the ack cursors, clientId by seq (ack.lua writes them); only its cleanup expiry is refreshed here
-- Meta fields: seq the user's last seq; k the time (ms) until which the inbox keys are known to live; n how many
-- messages the inbox holds; e no message expires before this time; lo no retained message has a lower seq; d the
-- highest seq dropped (expired or over the cap): a read after a lower seq has a gap; x the latest expiry of an
-- in-order message; o how many members the exp zset has. Past k the keys may have expired: then the inbox is counted.
--
-- Why a hash by seq and an exp zset for the out-of-order few: seqs are consecutive integers, so a page is one HMGET
-- of the next seqs and an append is one HSET, where a zset by seq paid a skiplist insert of the whole member. Most
-- messages expire in seq order (one TTL, increasing timestamps): a message expiring no earlier than every in-order
-- one before it is in-order and has no exp entry, and those expire from the inbox's head, found by walking up from
-- lo. A message expiring earlier than that (a shorter TTL) goes into the exp zset. Every in-order message after an
-- unexpired out-of-order one M expires after M, so the walk stops at the first unexpired message of either kind.
-- On this machine, with 10,000 users of 250 messages, the two dropped zset inserts were 8 of Redis's ~38 us a message.
--
-- ARGV[1] op: 'accept' or 'read'; ARGV[2] now (ms, from the caller's clock: never Redis TIME, so tests can move time)
-- accept: ARGV[3] cap, ARGV[4] meta TTL s, ARGV[5] the margin (s) the inbox keys outlive their last message, then per
--         user: the user id, its message count c, then per message (in order) 3 values: id, expiresAt, entry json.
--         The script names a user's keys from its id (the same names as RedisKeys): an accept call carries about
--         5 arguments per user instead of 10, and encoding the arguments was the node's largest cost. KEYS holds
--         the first user's meta key only so that a cluster client routes the call (a cluster call has one user).
--   returns per user {expiredCount, cappedCount, then per message: 0 and its new seq, or 1 and the duplicate's member},
--   or {-1, the error} for a user whose accept failed (see the loop at the end)
--   Several messages of one user go in one call so a NOSCRIPT retry can never reorder them; several users go in one
--   call only on standalone Redis (a cluster call must stay in one slot), which saves a script call per user.
-- read:   one user (its first 4 keys); ARGV[3] afterSeq, ARGV[4] limit, ARGV[5] maxBytes
--   returns {lastSeq, gap (1 if a message after afterSeq was dropped), expiredCount, more (1 if a message follows the
--   page), member...}: up to limit members, stopping before the one that would take their total length past maxBytes
--   (at least one). Members are fetched a few at a time and a page never reads far past its budget: a read of 1,000
--   members of 60 KB made Redis build a 60 MB reply.

-- Lua numbers go back to Redis as decimal strings: tostring could use exponent form.
local function fmt(x)
  return string.format('%d', x)
end

local function userKeys(user)
  local tag = '{u:' .. user .. '}'
  return {tag .. ':meta', tag .. ':inbox', tag .. ':exp', tag .. ':ids', tag .. ':acks'}
end

-- The head of an entry starting at position at of text (RedisCodec writes ts, then e, then "f":1 for a fresh id):
-- its expiry, and whether its id is fresh.
local function entryHead(text, at)
  local e, after = string.match(text, '^{"ts":%-?%d+,"e":(%-?%d+)()', at)
  return tonumber(e), string.sub(text, after, after + 6) == ',"f":1,'
end

-- A member's id, its expiry and whether the id is fresh.
local function parse(member)
  local c1 = string.find(member, ':', 1, true)
  local c2 = string.find(member, ':', c1 + 1, true)
  local len = tonumber(string.sub(member, c1 + 1, c2 - 1))
  local id = string.sub(member, c2 + 1, c2 + len)
  local expiresAt, freshId = entryHead(member, c2 + 1 + len)
  return id, expiresAt, freshId
end

-- Never past 2^53 - 1, so the number survives Lua's doubles exactly: 'no message left to expire', 'no in-order one'.
local NONE = 9007199254740991

-- An inbox written before the hash layout (a zset by seq, every message in exp) becomes a hash in place, keeping its
-- expiry; returns the fields that layout did not keep: lo and d. Its messages stay in exp (o counts them).
local function migrate(K, seq)
  if redis.call('TYPE', K[2])['ok'] ~= 'zset' then return seq + 1, seq end
  local ttl = redis.call('PTTL', K[2])
  local all = redis.call('ZRANGE', K[2], 0, -1)
  redis.call('DEL', K[2])
  local lo, d, prev = nil, 0, 0
  for i = 1, #all do
    local s = tonumber(string.sub(all[i], 1, string.find(all[i], ':', 1, true) - 1))
    redis.call('HSET', K[2], fmt(s), all[i])
    lo = lo or s
    if s > prev + 1 then d = s - 1 end
    prev = s
  end
  if prev < seq then d = seq end
  if ttl > 0 then redis.call('PEXPIRE', K[2], ttl) end
  return lo or seq + 1, d
end

-- The user's state from meta. Untrusted (past k) and the inbox gone: a fresh inbox after seq, everything before it
-- dropped, and what is left of the other keys deleted. A missing field falls back to what is always safe.
local function load(K, now)
  local m = redis.call('HMGET', K[1], 'seq', 'k', 'n', 'e', 'lo', 'd', 'x', 'o')
  local st = {seq = tonumber(m[1] or '0'), k = tonumber(m[2] or '0'), exists = m[1] ~= false}
  if st.exists and not m[5] then
    m[5], m[6] = migrate(K, st.seq)
    st.migrated = true
  end
  st.n = tonumber(m[3] or '-1')
  if now >= st.k or st.n < 0 then st.n = redis.call('HLEN', K[2]) end
  if st.n == 0 and now >= st.k then
    if st.exists then redis.call('DEL', K[3], K[4]) end
    st.e, st.lo, st.d, st.x, st.o = NONE, st.seq + 1, st.seq, 0, 0
    st.fresh = true
    return st
  end
  st.e = tonumber(m[4] or '0')
  st.lo = tonumber(m[5] or '1')
  st.d = tonumber(m[6] or '0')
  st.x = tonumber(m[7] or NONE)
  st.o = tonumber(m[8] or '-1')
  if st.o < 0 then st.o = redis.call('ZCARD', K[3]) end
  return st
end

local function save(K, st)
  redis.call('HSET', K[1], 'seq', fmt(st.seq), 'n', fmt(st.n), 'e', fmt(st.e), 'lo', fmt(st.lo), 'd', fmt(st.d),
    'x', fmt(st.x), 'o', fmt(st.o))
end

-- Drops the retained message s (its member v): inbox entry, id (a fresh one has none) and count; d learns the seq.
local function drop(K, st, s, v)
  local id, _, freshId = parse(v)
  if not freshId then redis.call('HDEL', K[4], id) end
  redis.call('HDEL', K[2], s)
  st.n = st.n - 1
  local q = tonumber(s)
  if q > st.d then st.d = q end
end

-- Drops every message whose expiry is at or before now (ARGV form nowArg); returns how many. Sets e.
local function purge(K, st, now, nowArg)
  local gone = 0
  if st.o > 0 then
    local due = redis.call('ZRANGEBYSCORE', K[3], '-inf', nowArg)
    for i = 1, #due do
      local v = redis.call('HGET', K[2], due[i])
      if v then
        drop(K, st, due[i], v)
        gone = gone + 1
      end
    end
    if #due > 0 then
      redis.call('ZREMRANGEBYSCORE', K[3], '-inf', nowArg)
      st.o = st.o - #due
    end
  end
  local head = NONE
  local s = st.lo
  if st.n == 0 then s = st.seq + 1 end
  while s <= st.seq do
    local q = fmt(s)
    local v = redis.call('HGET', K[2], q)
    if v then
      local _, expiresAt = parse(v)
      if expiresAt > now then
        head = expiresAt
        break
      end
      drop(K, st, q, v)
      gone = gone + 1
    end
    s = s + 1
  end
  st.lo = s
  if st.n == 0 then st.x = 0 end
  local first = {}
  if st.o > 0 then first = redis.call('ZRANGE', K[3], 0, 0, 'WITHSCORES') end
  st.e = math.min(head, tonumber(first[2] or NONE))
  return gone
end

-- Drops the oldest messages past the cap; returns how many. Goes by the hash's own count, so a count gone wrong
-- (keys evicted under maxmemory) never drops more. Dropping keeps e a bound: the earliest expiry can only get later.
local function trim(K, st, cap)
  if st.n > cap then st.n = redis.call('HLEN', K[2]) end
  local over = st.n - cap
  local capped = 0
  local s = st.lo
  while over > 0 and s <= st.seq do
    local q = fmt(s)
    local v = redis.call('HGET', K[2], q)
    if v then
      drop(K, st, q, v)
      if st.o > 0 then st.o = st.o - redis.call('ZREM', K[3], q) end
      over = over - 1
      capped = capped + 1
    end
    s = s + 1
  end
  if capped > 0 then st.lo = s end
  return capped
end

-- Real key expiry only for cleanup of abandoned users; it is only ever extended. Refreshing it on every accept cost
-- seven calls per message (three TTL, four EXPIRE); the horizon kept in meta field k makes it one HGET, and the keys
-- are refreshed when the wanted horizon passes k by more than an hour (they live at least their TTL plus the day of
-- margin the caller adds, less that hour), or when a key was just created (an emptied hash or zset is deleted by
-- Redis). The cursors key is refreshed with meta (acks only follow messages, so a user whose cursors matter gets
-- accepts).
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

-- Accepts one user's c messages whose values start at ARGV[first]; returns the user's answer. The state is read once
-- per user and written back once; HSETNX claims a message id for the next seq in the same call that finds a
-- duplicate. A fresh id skips the claim: nobody can publish it again, and at 20,000 messages/s the claim took a
-- fifth of Redis's time (HSETNX 5.5 us a call, against 2.3 for the meta HMGET). Expired messages are looked for only
-- once the earliest expiry (e) has come.
local function accept(K, now, cap, metaSecs, margin, first, c)
  local st = load(K, now)
  local e0 = st.e
  local expired = 0
  if now >= st.e then expired = purge(K, st, now, ARGV[2]) end
  local dirty = expired > 0 or st.e ~= e0
  local created = false
  local capped = 0
  local keep = 0
  local out = {0, 0}
  for k = first, first + 3 * (c - 1), 3 do
    local id = ARGV[k]
    local done = false
    local next = fmt(st.seq + 1)
    local _, freshId = entryHead(ARGV[k + 2], 1)
    if not freshId and redis.call('HSETNX', K[4], id, next) == 0 then
      local m = redis.call('HGET', K[2], redis.call('HGET', K[4], id))
      if m then
        out[#out + 1] = 1
        out[#out + 1] = m
        done = true
      else
        redis.call('HSET', K[4], id, next)  -- stale index entry (its inbox key vanished): the id is new again
      end
    end
    if not done then
      dirty = true
      st.seq = st.seq + 1
      -- Times go to Redis as the caller's decimal strings: a Lua number could be formatted in exponent form.
      local expiresAt = tonumber(ARGV[k + 1])
      redis.call('HSET', K[2], next, next .. ':' .. string.len(id) .. ':' .. id .. ARGV[k + 2])
      if expiresAt >= st.x then
        st.x = expiresAt
      else
        redis.call('ZADD', K[3], ARGV[k + 1], next)
        st.o = st.o + 1
        if st.o == 1 then created = true end  -- a new exp key: give it the inbox keys' expiry
      end
      if expiresAt < st.e then st.e = expiresAt end
      st.n = st.n + 1
      if st.n == 1 then created = true end  -- the hash was empty, so Redis had deleted it: a new key without expiry
      if st.n > cap then capped = capped + trim(K, st, cap) end
      -- A message already past its expiry (released late) is accepted and dropped at once.
      if expiresAt <= now then expired = expired + purge(K, st, now, ARGV[2]) end
      keep = math.max(keep, math.ceil((expiresAt - now) / 1000) + margin)
      out[#out + 1] = 0
      out[#out + 1] = st.seq
    end
  end
  if dirty or st.fresh or st.migrated then save(K, st) end
  if keep > 0 then extend(K, now, keep, metaSecs, created, st.k) end
  out[1] = expired
  out[2] = capped
  return out
end

local now = tonumber(ARGV[2])

if ARGV[1] == 'read' then
  local K = {KEYS[1], KEYS[2], KEYS[3], KEYS[4]}
  local st = load(K, now)
  local e0 = st.e
  local expired = 0
  if now >= st.e then expired = purge(K, st, now, ARGV[2]) end
  -- Only a live meta learns the new state: a read must not create meta for a user Redis has forgotten.
  if st.exists and (expired > 0 or st.migrated or st.e ~= e0) then save(K, st) end
  local after = tonumber(ARGV[3])
  local limit = tonumber(ARGV[4])
  local budget = tonumber(ARGV[5])
  local out = {st.seq, after < st.d and 1 or 0, expired, 0}
  -- HMGET of the next seqs, again past holes (dropped seqs), a chunk at a time: first 8, then as many as the budget
  -- left holds at the average length so far (at most 64), so what is fetched past the budget stays about one chunk.
  local s = math.max(after + 1, st.lo)
  local n, bytes, chunk, full = 0, 0, 8, false
  while s <= st.seq and not full do
    local to = math.min(st.seq, s + math.min(chunk, limit - n) - 1)
    local fields = {}
    for q = s, to do fields[#fields + 1] = fmt(q) end
    local got = redis.call('HMGET', K[2], unpack(fields))
    for i = 1, #fields do
      local v = got[i]
      if v then
        local len = string.len(v)
        if n > 0 and bytes + len > budget then
          out[4] = 1
          return out
        end
        out[#out + 1] = v
        n = n + 1
        bytes = bytes + len
      end
    end
    s = to + 1
    full = n >= limit or bytes >= budget
    if n > 0 and not full then chunk = math.max(1, math.min(64, math.floor((budget - bytes) * n / bytes))) end
  end
  -- Full: does a retained message follow? (A hole is a dropped seq; holes past lo are few.)
  while full and s <= st.seq do
    if redis.call('HEXISTS', K[2], fmt(s)) == 1 then
      out[4] = 1
      break
    end
    s = s + 1
  end
  return out
end

local cap = tonumber(ARGV[3])
local margin = tonumber(ARGV[5])
local answers = {}
local a = 6
while a <= #ARGV do
  local c = tonumber(ARGV[a + 1])
  -- A user whose keys are unusable (another type under its names, WRONGTYPE) is refused alone: the other users of a
  -- shared call are still accepted. What that user's accept wrote before the error stays, as in a call of its own.
  local ok, answer = pcall(accept, userKeys(ARGV[a]), now, cap, ARGV[4], margin, a + 2, c)
  if not ok then answer = {-1, type(answer) == 'table' and answer.err or tostring(answer)} end
  answers[#answers + 1] = answer
  a = a + 2 + 3 * c
end
return answers
