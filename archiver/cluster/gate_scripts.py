"""The Lua scripts `RedisHostGate` runs in Redis: each step of the gate is one atomic script.

Times are integer microseconds since the epoch ("us"), exact in Lua's doubles (< 2**53) and
written with "%.0f" so no digit is lost. ARGV[1] of every script that needs the time is the
caller's clock, or "" for Redis's own (`TIME`), so every machine of a cluster reads one clock.

Keys of one host share a hash tag, `{host}`, so a script's keys live in one slot (Redis
Cluster) and the scripts run unchanged there:

    <prefix>{<host>}:lock    the slot: a holder's token, expiring after the lock TTL
    <prefix>{<host>}:state   next_at_us, strikes, blocked_until_us, blocked_reason,
                             min_delay_us (robots Crawl-delay), requests
    <prefix>{<host>}:conf    delay_us, block_after, max_backoff_us: the strictest politeness
                             any worker configured for the host (expires unless refreshed)

The effective politeness is the stored one made stricter by the caller's own (what this
process configured, passed in ARGV), or the caller's default when neither exists; so a Redis
that lost its data still spaces each process by its own sites' settings.
"""

from __future__ import annotations

PRELUDE = """
local function now_us()
  if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function fmt(n) return string.format('%.0f', n) end
-- the host's politeness: stored (conf) and the caller's own (ARGV[a] == '1'), or the default
local function politeness(conf, a)
  local c = redis.call('HMGET', conf, 'delay_us', 'block_after', 'max_backoff_us')
  local d, b, m = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  if not c[1] then return d, b, m end
  local cd, cb, cm = tonumber(c[1]), tonumber(c[2]), tonumber(c[3])
  if ARGV[a] ~= '1' then return cd, cb, cm end
  return math.max(d, cd), math.min(b, cb), math.min(m, cm)
end
"""

# KEYS: lock, state. ARGV: now, token, lock ttl ms, state ttl ms.
# -> {'blocked', reason} | {'busy', ms the holder's lock has left} | {'wait', us} | {'ok', n}
ACQUIRE = (
    PRELUDE
    + """
local now = now_us()
local s = redis.call('HMGET', KEYS[2], 'blocked_until_us', 'blocked_reason', 'next_at_us')
if s[1] and tonumber(s[1]) > now then return {'blocked', s[2] or ''} end
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return {'busy', tostring(left)} end
if s[3] and tonumber(s[3]) > now then return {'wait', fmt(tonumber(s[3]) - now)} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
local n = redis.call('HINCRBY', KEYS[2], 'requests', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {'ok', tostring(n)}
"""
)

# KEYS: lock. ARGV: token, lock ttl ms. -> 1 renewed, 0 the lock is no longer ours
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

# KEYS: lock, state, conf. ARGV: now, token, own politeness (4), own min delay us, state ttl ms.
# -> 1 released, 0 the lock had expired (or was taken) before the slot ended
RELEASE = (
    PRELUDE
    + """
local now = now_us()
local d = politeness(KEYS[3], 3)
local stored = tonumber(redis.call('HGET', KEYS[2], 'min_delay_us') or '0')
local earliest = now + math.max(d, stored, tonumber(ARGV[7]))
local next_at = redis.call('HGET', KEYS[2], 'next_at_us')
if not next_at or tonumber(next_at) < earliest then
  redis.call('HSET', KEYS[2], 'next_at_us', fmt(earliest))
end
redis.call('PEXPIRE', KEYS[2], ARGV[8])
if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""
)

# KEYS: state, conf. ARGV: now, own politeness (4), status, throttled '1'/'0',
# Retry-After us or '', Retry-After as said in messages, block for us, state ttl ms.
# -> the reason the host is now blocked, or ''
RECORD = (
    PRELUDE
    + """
if ARGV[7] ~= '1' then
  redis.call('HSET', KEYS[1], 'strikes', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[11])
  return ''
end
local now = now_us()
local d, b, m = politeness(KEYS[2], 2)
local strikes = redis.call('HINCRBY', KEYS[1], 'strikes', 1)
local asked = nil
if ARGV[8] ~= '' then asked = tonumber(ARGV[8]) end
if strikes >= b or (asked or 0) > m then
  local until_us = now + math.max(tonumber(ARGV[10]), asked or 0)
  local reason = 'HTTP ' .. ARGV[6] .. ' ' .. strikes .. ' times in a row'
  if asked ~= nil and asked > m then
    reason = 'HTTP ' .. ARGV[6] .. ' with Retry-After ' .. ARGV[9] .. 's'
  end
  redis.call('HSET', KEYS[1], 'blocked_until_us', fmt(until_us), 'blocked_reason', reason)
  redis.call('PEXPIRE', KEYS[1], fmt(tonumber(ARGV[11]) + (until_us - now) / 1000))
  return reason
end
local backoff = asked or d * 2 ^ strikes
redis.call('HSET', KEYS[1], 'next_at_us', fmt(now + math.min(backoff, m)))
redis.call('PEXPIRE', KEYS[1], ARGV[11])
return ''
"""
)

# KEYS: state. ARGV: now. -> the reason the host is blocked now, or ''
BLOCKED = (
    PRELUDE
    + """
local s = redis.call('HMGET', KEYS[1], 'blocked_until_us', 'blocked_reason')
if s[1] and tonumber(s[1]) > now_us() then return s[2] or '' end
return ''
"""
)

# KEYS: conf. ARGV: delay us, block_after, max_backoff us, conf ttl ms. The stricter of both.
CONFIGURE = """
local c = redis.call('HMGET', KEYS[1], 'delay_us', 'block_after', 'max_backoff_us')
local d, b, m = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if c[1] then
  d, b, m = math.max(d, tonumber(c[1])), math.min(b, tonumber(c[2])), math.min(m, tonumber(c[3]))
end
redis.call('HSET', KEYS[1], 'delay_us', string.format('%.0f', d), 'block_after', b,
           'max_backoff_us', string.format('%.0f', m))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS: state. ARGV: min delay us, state ttl ms. Raises the host's spacing, never lowers it.
SET_MIN_DELAY = """
local was = tonumber(redis.call('HGET', KEYS[1], 'min_delay_us') or '0')
if tonumber(ARGV[1]) > was then redis.call('HSET', KEYS[1], 'min_delay_us', ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
