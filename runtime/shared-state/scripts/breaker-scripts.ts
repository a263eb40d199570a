/**
 * Fleet breaker scripts. Per upstream three keys: the open key (exists while
 * the fleet holds the upstream open; its TTL is the time left), the probe
 * lease set (a sorted set of lease ids scored by expiry, server time) and the
 * count of probes that succeeded in this half-open round. Each script is
 * atomic; opens and closes are published on the breaker channel.
 *
 * KEYS[1] open key   KEYS[2] lease set   KEYS[3] success count
 */

/**
 * Opens the upstream fleet-wide for ARGV[1] ms unless a longer open already
 * stands; a new open ends the half-open round (leases and count dropped) and
 * is published.
 * ARGV: 1 open for (ms), 2 channel, 3 replica id, 4 upstream, 5 "1" when Retry-After driven
 * Returns the open time left fleet-wide, in ms.
 */
export const BREAKER_OPEN_SCRIPT = `
local want = tonumber(ARGV[1])
local current = redis.call('PTTL', KEYS[1])
if current >= want then return current end
redis.call('SET', KEYS[1], ARGV[3], 'PX', want)
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[2], cjson.encode({ t = 'open', u = ARGV[4], ms = want, by = ARGV[3], ra = ARGV[5] == '1' }))
return want
`;

/**
 * Closes the upstream fleet-wide (drops the round) and publishes it, unless
 * an open stands (another replica reopened it meanwhile).
 * ARGV: 1 channel, 2 replica id, 3 upstream
 * Returns 1 when closed, else minus the open time left (ms).
 */
export const BREAKER_CLOSE_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
if left > 0 then return -left end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[1], cjson.encode({ t = 'close', u = ARGV[3], by = ARGV[2] }))
return 1
`;

/**
 * Grants up to ARGV[4] probe leases while the fleet is half-open: at most
 * ARGV[1] probes per round, counting leases held (unexpired) and probes that
 * already succeeded.
 * ARGV: 1 max probes, 2 lease TTL (ms), 3 lease id prefix, 4 wanted
 * Returns { granted, open time left in ms (0 when not open), lease ids... }
 */
export const PROBE_LEASE_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
if left > 0 then return { 0, left } end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local active = redis.call('ZCARD', KEYS[2])
local succeeded = tonumber(redis.call('GET', KEYS[3]) or '0')
local grant = math.min(tonumber(ARGV[4]), tonumber(ARGV[1]) - active - succeeded)
if grant <= 0 then return { 0, 0 } end
local result = { grant, 0 }
for i = 1, grant do
  local id = ARGV[3] .. ':' .. now .. ':' .. i
  redis.call('ZADD', KEYS[2], now + ttl, id)
  result[#result + 1] = id
end
redis.call('PEXPIRE', KEYS[2], ttl * 4)
redis.call('PEXPIRE', KEYS[3], ttl * 4)
return result
`;

/**
 * Reports a probe's success: the lease is returned and counted; when the
 * round has ARGV[2] successes the fleet closes (published). A probe that
 * failed is reported by opening again ({@link BREAKER_OPEN_SCRIPT}).
 * ARGV: 1 lease id, 2 max probes, 3 channel, 4 replica id, 5 upstream
 * Returns 2 when the fleet closed, 1 when more probes are needed, 0 when an open stands.
 */
export const PROBE_SUCCESS_SCRIPT = `
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('PTTL', KEYS[1]) > 0 then return 0 end
local succeeded = redis.call('INCR', KEYS[3])
if succeeded >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('PUBLISH', ARGV[3], cjson.encode({ t = 'close', u = ARGV[5], by = ARGV[4] }))
  return 2
end
return 1
`;

/**
 * The open time left of every upstream (a replica that starts or reconnects
 * reads it). KEYS: the open keys.  Returns one PTTL per key (-2: not open).
 */
export const BREAKER_SYNC_SCRIPT = `
local result = {}
for i = 1, #KEYS do result[i] = redis.call('PTTL', KEYS[i]) end
return result
`;
