/**
 * GCRA (the generic cell rate algorithm, a token bucket stored as one
 * timestamp) in one atomic script on Redis server time: `limit` requests per
 * `period`, bursts up to `limit`, one round trip per request. The same
 * semantics as the pod-local token bucket (capacity = the per-minute limit,
 * refilled continuously).
 *
 * KEYS[1]  the client's key (holds the theoretical arrival time, in ms)
 * ARGV[1]  limit (requests per period)   ARGV[2]  period, in ms
 * Returns  { allowed (1/0), retry after in ms (0 when allowed) }
 */
export const RATE_LIMIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allowAt = tat + interval - period
if now < allowAt then
  return { 0, math.ceil(allowAt - now) }
end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now))
return { 1, 0 }
`;
