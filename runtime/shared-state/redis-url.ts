/**
 * REDIS_URL as the runtime accepts it: `redis://` or `rediss://` (TLS), with
 * an optional user and password and an optional database number. The password
 * never reaches a log line or an error message: {@link redactRedisUrl}.
 */

/** What a valid REDIS_URL carries, for logs and the logger's secret list. */
export interface RedisTarget {
  /** `redis://[redacted]@host:port/db` (the user-info replaced), safe for logs. */
  readonly redacted: string;
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  /** The user, decoded (empty: the default user). */
  readonly username: string;
  /** The password, decoded (empty when none): the logger scrubs it from every line. */
  readonly password: string;
  /** Database number. */
  readonly db: number;
}

/** Result of {@link parseRedisUrl}. */
export type RedisUrlResult =
  | { readonly ok: true; readonly target: RedisTarget }
  | { readonly ok: false; readonly message: string };

/** The target with another password (REDIS_PASSWORD, kept out of the URL so it needs no URL encoding). */
export function withPassword(target: RedisTarget, password: string): RedisTarget {
  return { ...target, password };
}

/** Parses and checks a REDIS_URL; the message names the variable and shows the URL redacted. */
export function parseRedisUrl(raw: string, variable = 'REDIS_URL'): RedisUrlResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `${variable}: must be a redis:// or rediss:// URL (received ${JSON.stringify(redactRedisUrl(raw))})` };
  }
  const shown = JSON.stringify(redactRedisUrl(raw));
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return { ok: false, message: `${variable}: must use redis:// or rediss:// (received ${shown})` };
  }
  if (!url.hostname) return { ok: false, message: `${variable}: must name a host (received ${shown})` };
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    return { ok: false, message: `${variable}: the path must be a database number such as /0 (received ${shown})` };
  }
  if (url.search || url.hash) return { ok: false, message: `${variable}: must not carry a query or fragment (received ${shown})` };
  const tls = url.protocol === 'rediss:';
  return {
    ok: true,
    target: {
      redacted: redactRedisUrl(raw),
      tls,
      host: url.hostname,
      port: url.port ? Number(url.port) : 6379,
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      db: db === '' ? 0 : Number(db),
    },
  };
}

/**
 * Replaces the user-info of every URL in `text` (`redis://user:pass@host`,
 * and any other scheme a mistyped REDIS_URL may carry) with `[redacted]`.
 */
export function redactRedisUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"]*@/gi, '$1[redacted]@');
}
