import type { OutgoingHttpHeaders } from 'node:http';
import { ENV } from '../../../src/contract';

/** What replaces a secret in a response sent to a client (the logs use the same word). */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Removes the proxy's own secrets (upstream keys, the Redis password, egress
 * proxy credentials) from what an upstream sends back, before a client sees
 * it: an upstream that quotes the `Authorization` it received must not leak
 * the key to every caller. Each secret is searched for as written, as it
 * appears inside a JSON string, and URL-encoded. A body or header without a
 * secret is returned as is (no copy).
 */
export class SecretRedactor {
  /** Every form searched for, longest first (so a key that contains another is replaced whole). */
  private readonly needles: readonly string[];
  private readonly bufferNeedles: readonly Buffer[];
  /** One alternation of every form, compiled once: a text is scanned in one pass whatever the number of secrets. */
  private readonly matcher: RegExp | undefined;

  public constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) continue;
      forms.add(secret);
      forms.add(JSON.stringify(secret).slice(1, -1));
      forms.add(encodeURIComponent(secret));
    }
    this.needles = [...forms].sort((a, b) => b.length - a.length);
    this.bufferNeedles = this.needles.map((needle) => Buffer.from(needle, 'utf8'));
    this.matcher = this.needles.length === 0 ? undefined : new RegExp(this.needles.map(escapeRegExp).join('|'), 'g');
  }

  /** True when there is nothing to search for. */
  public get empty(): boolean {
    return this.needles.length === 0;
  }

  /** The text with every secret replaced, and how many were. */
  public redactText(text: string): { readonly text: string; readonly count: number } {
    const matcher = this.matcher;
    if (matcher === undefined) return { text, count: 0 };
    matcher.lastIndex = 0;
    if (!matcher.test(text)) return { text, count: 0 };
    let count = 0;
    const out = text.replace(matcher, () => {
      count += 1;
      return REDACTED;
    });
    return { text: out, count };
  }

  /** The body with every secret replaced (the same Buffer when none was found), and how many were. */
  public redactBuffer(body: Buffer): { readonly body: Buffer; readonly count: number } {
    if (!this.bufferNeedles.some((needle) => body.includes(needle))) return { body, count: 0 };
    const redacted = this.redactText(body.toString('utf8'));
    return { body: Buffer.from(redacted.text, 'utf8'), count: redacted.count };
  }

  /**
   * A redactor for a body passed through chunk by chunk: it holds back the
   * last bytes of each chunk that could begin a secret (one less than the
   * longest form), so a secret split across chunks is still found.
   */
  public chunkRedactor(): ChunkRedactor {
    return new ChunkRedactor(this.bufferNeedles);
  }

  /** Replaces secrets in header values in place; returns how many were replaced. */
  public redactHeaders(headers: OutgoingHttpHeaders): number {
    if (this.empty) return 0;
    let count = 0;
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') {
        const redacted = this.redactText(value);
        if (redacted.count > 0) {
          headers[name] = redacted.text;
          count += redacted.count;
        }
      } else if (Array.isArray(value)) {
        const redacted = value.map((item) => this.redactText(item));
        const found = redacted.reduce((sum, item) => sum + item.count, 0);
        if (found > 0) {
          headers[name] = redacted.map((item) => item.text);
          count += found;
        }
      }
    }
    return count;
  }
}

/** See {@link SecretRedactor.chunkRedactor}: works on bytes (as latin1 text), so UTF-8 split across chunks is safe. */
export class ChunkRedactor {
  private readonly matcher: RegExp | undefined;
  private readonly lookBack: number;
  private carry = '';
  private found = 0;

  public constructor(needles: readonly Buffer[]) {
    this.matcher = needles.length === 0 ? undefined : new RegExp(needles.map((n) => escapeRegExp(n.toString('latin1'))).join('|'), 'g');
    this.lookBack = Math.max(0, ...needles.map((n) => n.length - 1));
  }

  /** Secrets replaced so far. */
  public get count(): number {
    return this.found;
  }

  /** The bytes of `chunk` (and of what was held back) that can go out now, secrets replaced. */
  public push(chunk: Buffer): Buffer {
    if (this.matcher === undefined) return chunk;
    const text = this.carry + chunk.toString('latin1');
    let cut = Math.max(0, text.length - this.lookBack);
    let out = '';
    let at = 0;
    this.matcher.lastIndex = 0;
    for (let match = this.matcher.exec(text); match !== null && match.index < cut; match = this.matcher.exec(text)) {
      out += text.slice(at, match.index) + REDACTED;
      at = match.index + match[0].length;
      this.found += 1;
    }
    cut = Math.max(cut, at);
    out += text.slice(at, cut);
    this.carry = text.slice(cut);
    return Buffer.from(out, 'latin1');
  }

  /** What was held back, at the end of the body (a secret in it is whole by now). */
  public end(): Buffer {
    const rest = this.carry;
    this.carry = '';
    if (rest.length === 0 || this.matcher === undefined) return Buffer.from(rest, 'latin1');
    this.matcher.lastIndex = 0;
    return Buffer.from(rest.replace(this.matcher, () => {
      this.found += 1;
      return REDACTED;
    }), 'latin1');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The password (URL-decoded) of a URL with user-info, e.g. `redis://:pass@host`; undefined when none or unreadable. */
export function passwordOfUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  try {
    const password = new URL(url.trim()).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/** The user name and password (URL-decoded) of a URL with user-info, such as an egress proxy URL. */
export function credentialsOfUrl(url: string | undefined): string[] {
  if (url === undefined || url.trim() === '') return [];
  try {
    const parsed = new URL(url.trim());
    return [parsed.username, parsed.password].filter((part) => part !== '').map((part) => decodeURIComponent(part));
  } catch {
    return [];
  }
}

/**
 * Every secret of the proxy a response must not carry: the upstream keys,
 * the Redis password (`REDIS_PASSWORD`, or the one in `REDIS_URL`) and the
 * egress proxy's user name and password.
 */
export function proxySecrets(
  upstreamKeys: readonly (string | undefined)[],
  env: Readonly<Record<string, string | undefined>>,
  httpsProxy: string | undefined,
): string[] {
  const secrets = upstreamKeys.filter((key): key is string => typeof key === 'string' && key !== '');
  const redisPassword = env[ENV.redisPassword]?.trim() || passwordOfUrl(env[ENV.redisUrl]);
  if (redisPassword) secrets.push(redisPassword);
  const urlPassword = passwordOfUrl(env[ENV.redisUrl]);
  if (urlPassword && urlPassword !== redisPassword) secrets.push(urlPassword);
  secrets.push(...credentialsOfUrl(httpsProxy));
  return secrets;
}
