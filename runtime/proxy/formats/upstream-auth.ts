import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamFormat } from './types';

/** Anthropic's API version header and its beta-features header. */
const ANTHROPIC_VERSION = 'anthropic-version';
const ANTHROPIC_BETA = 'anthropic-beta';

/** What the headers of one upstream depend on. */
export interface UpstreamAuthTarget {
  readonly format: UpstreamFormat;
  readonly apiKey: string | undefined;
  /** Sent as `anthropic-version` when the client sent none. */
  readonly anthropicVersion: string;
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text !== undefined && text.trim() !== '' ? text.trim() : undefined;
}

/**
 * Adapts the forwarded headers (the client's minus hop-by-hop and its own
 * credentials, plus the upstream key as `Authorization: Bearer`) to the
 * upstream's format, in place:
 * - `anthropic`: the key goes as `x-api-key` (no `Authorization`),
 *   `anthropic-version` is the client's when it sent one, else the
 *   upstream's setting; the client's `anthropic-beta` passes through;
 * - `openai`: Anthropic's version and beta headers are not sent.
 */
export function applyUpstreamAuth(headers: Record<string, string>, client: IncomingHttpHeaders, target: UpstreamAuthTarget): Record<string, string> {
  if (target.format === 'anthropic') {
    delete headers.authorization;
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
    headers[ANTHROPIC_VERSION] = single(client[ANTHROPIC_VERSION]) ?? target.anthropicVersion;
    const beta = single(client[ANTHROPIC_BETA]);
    if (beta !== undefined) headers[ANTHROPIC_BETA] = beta;
    return headers;
  }
  delete headers[ANTHROPIC_VERSION];
  delete headers[ANTHROPIC_BETA];
  return headers;
}
