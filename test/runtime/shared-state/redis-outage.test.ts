import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redis-server';
import { RateLimiter } from '../../../runtime/ops/rate-limiter';
import { GlobalRateLimiter } from '../../../runtime/shared-state/global-rate-limiter';
import { RedisLink } from '../../../runtime/shared-state/redis-link';
import { parseRedisUrl } from '../../../runtime/shared-state/redis-url';
import type { SharedStateOperation } from '../../../runtime/shared-state/shared-state-observer';
import { eventually } from '../../support/eventually';

interface Logged { level: string; fields: Record<string, unknown>; message: string }

function recorder() {
  const lines: Logged[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

function observer() {
  const seen = { up: [] as boolean[], fallbacks: [] as SharedStateOperation[], commands: [] as SharedStateOperation[] };
  return {
    seen,
    observer: {
      up: (value: boolean) => seen.up.push(value),
      command: (operation: SharedStateOperation) => {
        seen.commands.push(operation);
      },
      fallback: (operation: SharedStateOperation) => seen.fallbacks.push(operation),
    },
  };
}

function linkTo(url: string, log: ReturnType<typeof recorder>['log'], obs?: ReturnType<typeof observer>['observer'], commandTimeoutMs = 50): RedisLink {
  const parsed = parseRedisUrl(url);
  if (!parsed.ok) throw new Error(parsed.message);
  return new RedisLink({ target: parsed.target, commandTimeoutMs, log, observer: obs, maxReconnectDelayMs: 100, pingIntervalMs: 50 });
}

describe('shared state when Redis goes away', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const start = async (options = {}): Promise<TestRedis> => {
    const redis = await startRedis(options);
    cleanup.push(() => redis.stop());
    return redis;
  };

  it('falls back to the pod-local limiter at once while Redis is killed, logs one warning, and resumes when it is back', async () => {
    // GIVEN a replica on a live Redis, fail-open
    const redis = await start();
    const { lines, log } = recorder();
    const { seen, observer: obs } = observer();
    const link = linkTo(redis.url, log, obs);
    cleanup.push(() => link.close());
    expect(await link.connect(2000)).toBe(true);
    const limiter = new GlobalRateLimiter({ link, local: new RateLimiter({ requestsPerMinute: 1000 }), keyPrefix: 'outage:', failMode: () => 'open' });
    expect((await limiter.take('key:11111111')).allowed).toBe(true);

    // WHEN Redis is killed mid-traffic
    await redis.kill();
    const decisions = [];
    for (let i = 0; i < 50; i++) decisions.push(await limiter.take('key:11111111'));

    // THEN every request is still admitted (pod-local limiter), one warning is logged for the whole outage
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(seen.fallbacks.filter((op) => op === 'rate_limit').length).toBeGreaterThanOrEqual(49);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].fields.event).toBe('shared_state_down');
    expect(link.up).toBe(false);

    // WHEN Redis comes back
    await redis.restart();
    await eventually(() => expect(link.up).toBe(true), 5000);

    // THEN the limit is shared again (a key appears in Redis) and the recovery is logged once
    expect((await limiter.take('key:11111111')).allowed).toBe(true);
    expect(await link.redis.keys('outage:rl:*')).toHaveLength(1);
    expect(lines.filter((l) => l.fields.event === 'shared_state_restored')).toHaveLength(1);
    expect(seen.up.at(-1)).toBe(true);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('refuses rate-limited requests as unavailable in fail-closed mode while Redis is away', async () => {
    // GIVEN a fail-closed replica
    const redis = await start();
    const { log } = recorder();
    const link = linkTo(redis.url, log);
    cleanup.push(() => link.close());
    expect(await link.connect(2000)).toBe(true);
    const limiter = new GlobalRateLimiter({ link, local: new RateLimiter({ requestsPerMinute: 1000 }), keyPrefix: 'closed:', failMode: () => 'closed' });
    // WHEN Redis is killed
    await redis.kill();
    const first = await limiter.take('key:22222222');
    const second = await limiter.take('key:22222222');
    // THEN requests are refused as unavailable (the server answers 503), not as rate limited
    expect(first).toEqual({ allowed: false, retryAfterSeconds: 1, unavailable: true });
    expect(second).toEqual(first);
  });

  it('adds at most one command timeout while Redis hangs, then none until it answers again', async () => {
    // GIVEN a replica with a 50 ms command timeout on a live Redis
    const redis = await start();
    const { lines, log } = recorder();
    const { seen, observer: obs } = observer();
    const link = linkTo(redis.url, log, obs, 50);
    cleanup.push(async () => {
      if (redis.pid) process.kill(redis.pid, 'SIGCONT');
      await link.close();
    });
    expect(await link.connect(2000)).toBe(true);
    const limiter = new GlobalRateLimiter({ link, local: new RateLimiter({ requestsPerMinute: 1000 }), keyPrefix: 'hang:', failMode: () => 'open' });
    expect((await limiter.take('key:33333333')).allowed).toBe(true);

    // WHEN Redis stops answering (the process is frozen, the TCP connection stays open)
    process.kill(redis.pid as number, 'SIGSTOP');
    const sentBefore = seen.commands.filter((op) => op === 'rate_limit').length;
    const started = performance.now();
    expect((await limiter.take('key:33333333')).allowed).toBe(true);
    const firstWait = performance.now() - started;
    for (let i = 0; i < 20; i++) expect((await limiter.take('key:33333333')).allowed).toBe(true);

    // THEN only the first request waits for the timeout and goes to Redis; the next 20 go pod-local without a command
    expect(firstWait).toBeGreaterThanOrEqual(45);
    expect(seen.commands.filter((op) => op === 'rate_limit').length - sentBefore).toBe(1);
    expect(seen.fallbacks.filter((op) => op === 'rate_limit')).toHaveLength(21);
    expect(lines.filter((l) => l.fields.event === 'shared_state_down')).toHaveLength(1);
    expect(String(lines.find((l) => l.fields.event === 'shared_state_down')?.fields.reason)).toMatch(/timed out/i);

    // WHEN Redis answers again THEN the link is up again
    process.kill(redis.pid as number, 'SIGCONT');
    await eventually(() => expect(link.up).toBe(true), 5000);
  });

  it('says clearly at start that Redis refused the password, then runs fail-open, with the password never logged', async () => {
    // GIVEN a Redis that requires a password and a URL with the wrong one
    const redis = await start({ password: 'right-password-123' });
    const { lines, log } = recorder();
    const link = linkTo(`redis://:wrong-password-456@127.0.0.1:${redis.port}`, log);
    cleanup.push(() => link.close());
    // WHEN the proxy connects
    const ready = await link.connect(2000);
    // THEN it reports one clear error naming the credentials and REDIS_URL, redacted
    expect(ready).toBe(false);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/refused the credentials in REDIS_URL/);
    expect(errors[0].message).toContain(`redis://[redacted]@127.0.0.1:${redis.port}`);
    expect(JSON.stringify(lines)).not.toContain('wrong-password-456');
    // AND requests flow on the pod-local limiter
    const limiter = new GlobalRateLimiter({ link, local: new RateLimiter({ requestsPerMinute: 1 }), keyPrefix: 'auth:', failMode: () => 'open' });
    expect(limiter.take('key:44444444')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect((limiter.take('key:44444444') as { allowed: boolean }).allowed).toBe(false);
    // AND reconnect attempts do not log again
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((l) => l.level !== 'info')).toHaveLength(1);
  });
});
