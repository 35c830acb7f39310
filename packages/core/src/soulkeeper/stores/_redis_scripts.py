"""Lua scripts the Redis store runs, so each operation is atomic on the server."""

from __future__ import annotations

# KEYS: checkpoints hash, order zset, good zset, seq counter.  ARGV: id, json, known_good ("1"/"0").
PUT = """
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1])), existing}
end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[3], seq, ARGV[1]) end
return {seq, ARGV[2]}
"""

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

# KEYS: checkpoints hash, order zset, good zset, seq counter, state hash.
DELETE = """
local count = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return count
"""

# KEYS: state hash.  ARGV: json.  Returns the new revision.
SET_STATE = """
local revision = redis.call('HINCRBY', KEYS[1], 'revision', 1)
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return revision
"""

# KEYS: state hash.  ARGV: expected revision, json.  Returns the new revision, or -1 on a conflict.
CAS_STATE = """
local revision = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if revision ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'revision', revision + 1, 'data', ARGV[2])
return revision + 1
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
