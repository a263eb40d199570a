/**
 * True when a parsed JSON value nests objects and arrays deeper than
 * `maxDepth` levels (the value itself being level 1 when it is an object or
 * an array). `JSON.parse` accepts any depth, but re-serializing a value
 * nested some thousand levels overflows the stack: a small body could turn
 * into a 500. The walk stops at the limit, so it never recurses deeper than
 * `maxDepth` itself, and visits each container once.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  return tooDeep(value, 1, maxDepth);
}

function tooDeep(value: unknown, depth: number, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && tooDeep(item, depth + 1, maxDepth)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item !== null && typeof item === 'object' && tooDeep(item, depth + 1, maxDepth)) return true;
  }
  return false;
}
