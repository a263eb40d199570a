/**
 * Adds one batch of usage counters to the fleet's hash, atomically.
 * KEYS[1]  the usage hash
 * ARGV[1]  when the batch's first count was made (ISO 8601): the hash keeps the earliest as `since`
 * ARGV[2..] field, integer increment, field, increment, ...
 */
export const USAGE_ADD_SCRIPT = `
local since = redis.call('HGET', KEYS[1], 'since')
if (not since) or ARGV[1] < since then redis.call('HSET', KEYS[1], 'since', ARGV[1]) end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;
