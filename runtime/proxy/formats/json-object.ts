/** A parsed JSON object: string keys, values not yet checked. */
export type Json = Record<string, unknown>;

/** `value` when it is a JSON object (not null, not an array), else undefined. */
export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}
