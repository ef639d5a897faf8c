-- Removes the route entries of closed connections. KEYS[i] is the {u:<id>}:routes hash of the i-th entry; ARGV[2i-1]
-- its field (node and client), ARGV[2i] the since (ms) its connection wrote. An entry with another since was written
-- by a newer connection of the same client on the same node, and stays: a close's removal that reaches Redis after the
-- reconnect's write (another event loop's batch, another lane) must not delete the live route.
local n = 0
for i = 1, #KEYS do
  local field = ARGV[2 * i - 1]
  local v = redis.call('HGET', KEYS[i], field)
  if v and tonumber(cjson.decode(v).s) == tonumber(ARGV[2 * i]) then
    n = n + redis.call('HDEL', KEYS[i], field)
  end
end
return n
