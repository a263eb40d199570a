import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Result of {@link ClientAuth.check}. */
export type AuthResult =
  | { readonly ok: true; /** Key fingerprint (`key:<8 hex>`), never the key. */ readonly client?: string }
  | { readonly ok: false; readonly message: string };

/**
 * Client key check: `Authorization: Bearer <key>`, `x-api-key: <key>` (the
 * Anthropic SDK) or `api-key: <key>`; none of them is forwarded upstream. Keys
 * are compared as SHA-256 digests with `timingSafeEqual`, every key tried.
 * With no keys configured every request passes (`open`).
 */
export class ClientAuth {
  private digests: Buffer[] = [];
  /**
   * Keys presented and accepted before, with their fingerprint: a hit skips
   * the SHA-256 and the comparisons (~6 µs, the costliest step of a request's
   * auth in issue 12's profile). Only keys that matched are kept, so it holds
   * at most one entry per configured key; a key that does not match always
   * takes the full digest and timing-safe comparison. Emptied when the keys
   * change.
   */
  private accepted = new Map<string, string>();

  constructor(keys: readonly string[]) {
    this.setKeys(keys);
  }

  /** Replaces the accepted keys (config reload). */
  setKeys(keys: readonly string[]): void {
    this.digests = keys.map(digest);
    this.accepted = new Map();
  }

  /** True when no key is configured: the proxy is open. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  /** Checks one request's key. */
  check(req: IncomingMessage): AuthResult {
    if (this.open) return { ok: true };
    const presented = presentedKey(req);
    if (presented === undefined) {
      return { ok: false, message: 'missing API key: send "Authorization: Bearer <key>", an "x-api-key" or an "api-key" header' };
    }
    const seen = this.accepted.get(presented);
    if (seen !== undefined) return { ok: true, client: seen };
    const candidate = digest(presented);
    let match = false;
    for (const known of this.digests) {
      match = timingSafeEqual(candidate, known) || match;
    }
    if (!match) return { ok: false, message: `incorrect API key provided (received a key of ${presented.length} characters)` };
    const client = fingerprintOf(candidate);
    this.accepted.set(presented, client);
    return { ok: true, client };
  }
}

/** Bounded, key-free client id for rate limiting and logs. */
export function clientFingerprint(key: string): string {
  return fingerprintOf(digest(key));
}

/** The fingerprint of a key's SHA-256 digest (hashed once per request). */
function fingerprintOf(keyDigest: Buffer): string {
  return `key:${keyDigest.toString('hex', 0, 4)}`;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  // `x-api-key` is how the Anthropic SDK sends its key; `api-key` is Azure OpenAI's
  for (const header of ['x-api-key', 'api-key']) {
    const apiKey = req.headers[header];
    if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
