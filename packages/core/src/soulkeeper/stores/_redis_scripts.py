"""Lua scripts the Redis store runs, so each operation is atomic on the server.

Write scripts get all five keys of a thread (checkpoints hash, order zset, good zset, seq counter, state
hash) and a TTL as their last argument: with a TTL above 0, every write refreshes the expiry of all of
the thread's keys, so an idle thread disappears as a whole.
"""

from __future__ import annotations

_REFRESH = """
local function refresh(ttl)
  ttl = tonumber(ttl)
  if ttl > 0 then
    for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ttl) end
  end
end
"""

# ARGV: id, json, known_good ("1"/"0"), ttl.  Returns {seq, json} (the first write's, if the id exists).
PUT = (
    _REFRESH
    + """
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1])), existing}
end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[3], seq, ARGV[1]) end
refresh(ARGV[4])
return {seq, ARGV[2]}
"""
)

# KEYS: an order zset, checkpoints hash.  ARGV: last index (-1 for all).  Returns seq, json, seq, json, ...
READ = """
local ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]), 'WITHSCORES')
local out = {}
for i = 1, #ids, 2 do
  local data = redis.call('HGET', KEYS[2], ids[i])
  if data then
    out[#out + 1] = ids[i + 1]
    out[#out + 1] = data
  end
end
return out
"""

# KEYS: the thread's five keys.  Returns how many checkpoints were deleted.
DELETE = """
local count = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return count
"""

# KEYS: checkpoints hash, order zset, good zset.  ARGV: keep.  Returns how many were deleted.
PRUNE = """
local restore_point = redis.call('ZREVRANGE', KEYS[3], 0, 0)[1]
local old = redis.call('ZREVRANGE', KEYS[2], tonumber(ARGV[1]), -1)
local count = 0
for _, id in ipairs(old) do
  if id ~= restore_point then
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    count = count + 1
  end
end
return count
"""

# ARGV: json, ttl.  Returns the new revision.
SET_STATE = (
    _REFRESH
    + """
local revision = redis.call('HINCRBY', KEYS[5], 'revision', 1)
redis.call('HSET', KEYS[5], 'data', ARGV[1])
refresh(ARGV[2])
return revision
"""
)

# ARGV: expected revision, json, ttl.  Returns the new revision, or -1 when another writer got in first.
CAS_STATE = (
    _REFRESH
    + """
local revision = tonumber(redis.call('HGET', KEYS[5], 'revision') or '0')
if revision ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[5], 'revision', revision + 1, 'data', ARGV[2])
refresh(ARGV[3])
return revision + 1
"""
)
