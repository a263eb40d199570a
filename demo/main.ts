/**
 * `npm run demo`: three mock regions and the proxy on 127.0.0.1, steady
 * traffic, the primary region knocked out and brought back, shown live:
 * which region serves, the breaker states, the client-visible error count.
 * Ends by itself; exit code 0 only when there were no client-visible errors
 * and every act behaved.
 *
 * Length: `--fast` (8 s), `--seconds=N` or `DEMO_SECONDS=N` (6-60), default 24;
 * `--help` lists them. Arguments come through `npm run demo -- <args>`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { stringify } from 'yaml';
import { actAt, DEMO_USAGE, demoPlan, demoSecondsFrom, wantsDemoHelp, type DemoPlan } from './plan';
import { eraseLines, renderFrame, renderLine, type DemoSnapshot } from './render';
import { count, judge, servedRecently, type DemoAnswer } from './tally';
import { chatBody, proxyEnv } from '../bench/lib/env';
import { sendOnce } from '../bench/lib/load';
import { startProxyProcess, type ProxyProcess } from '../bench/lib/proxy-process';
import { startMockUpstream, type MockUpstream } from '../runtime/mock/mock-upstream';
import { ENV, ENV_UPSTREAM_NAMES, PATHS } from '../src/contract';

const PRIMARY = ENV_UPSTREAM_NAMES.primary;
const REGION_NAMES = ['region-a', 'region-b', 'region-c'];

interface StatusUpstream {
  readonly name: string;
  readonly state: string;
}

async function breakerStates(proxy: ProxyProcess): Promise<Record<string, string>> {
  try {
    const res = await request(`${proxy.url}${PATHS.status}`, { headersTimeout: 1000, bodyTimeout: 1000 });
    const body = (await res.body.json()) as { upstreams?: StatusUpstream[] };
    return Object.fromEntries((body.upstreams ?? []).map((u) => [u.name, u.state]));
  } catch {
    return {};
  }
}

async function run(plan: DemoPlan, out: NodeJS.WriteStream): Promise<number> {
  const tty = out.isTTY === true;
  const mocks: MockUpstream[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ai-failover-demo-'));
  let proxy: ProxyProcess | undefined;
  try {
    for (const name of REGION_NAMES) mocks.push(await startMockUpstream({ name }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringify({
      circuitBreaker: {
        failureThreshold: plan.failureThreshold,
        recoveryTimeoutSeconds: plan.recoveryTimeoutSeconds,
        maxRecoveryTimeoutSeconds: plan.recoveryTimeoutSeconds,
        halfOpenMaxCalls: 2,
      },
      timeouts: { requestSeconds: 2 },
    }));
    proxy = await startProxyProcess({ env: proxyEnv(mocks.map((m) => m.url), { [ENV.configPath]: configPath, [ENV.logLevel]: 'warn' }) });
    const regionNames = [PRIMARY, `${ENV_UPSTREAM_NAMES.backupPrefix}1`, `${ENV_UPSTREAM_NAMES.backupPrefix}2`];
    out.write(`three mock regions (${mocks.map((m) => `${m.name} ${m.url}`).join(', ')})\nproxy pid ${proxy.pid} on ${proxy.url}: breaker opens after ${plan.failureThreshold} failures, retries the region after ${plan.recoveryTimeoutSeconds} s\n\n`);

    const pool = new Pool(proxy.url, { connections: 64, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const answers: DemoAnswer[] = [];
    const pending = new Set<Promise<void>>();
    let states: Record<string, string> = {};
    let drawn = 0;
    let act = plan.acts[0];
    mocks[0].setMode(act.primaryMode);
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    const intervalMs = 1000 / plan.ratePerSecond;
    const total = Math.floor(plan.totalMs / intervalMs);
    let sent = 0;

    const snapshot = (): DemoSnapshot => {
      const now = Math.min(elapsed(), plan.totalMs);
      const recent = servedRecently(answers, elapsed(), 1000);
      const totals = count(answers);
      return {
        elapsedMs: now,
        totalMs: plan.totalMs,
        act: act.label,
        regions: regionNames.map((name, i) => ({ name, label: REGION_NAMES[i], state: states[name] ?? '?', servedLastSecond: recent[name] ?? 0, servedTotal: totals.served[name] ?? 0 })),
        sent,
        errors: totals.errors,
      };
    };
    const draw = (): void => {
      const snap = snapshot();
      if (tty) {
        const lines = renderFrame(snap);
        out.write(`${eraseLines(drawn)}${lines.join('\n')}\n`);
        drawn = lines.length;
      } else {
        out.write(`${renderLine(snap)}\n`);
      }
    };

    // display: breaker states from /v1/status and the answers so far, redrawn (TTY) or one line a second
    let drawing = false;
    const display = setInterval(() => {
      if (drawing) return;
      drawing = true;
      void breakerStates(proxy!).then((next) => {
        states = next;
        draw();
        drawing = false;
      });
    }, tty ? 250 : 1000);

    // traffic: open loop at a fixed rate, chat completions alternating plain and streamed
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = elapsed();
        const current = actAt(plan, now);
        if (current !== act) {
          act = current;
          mocks[0].setMode(act.primaryMode);
          if (!tty) out.write(`--- ${act.label}\n`);
        }
        while (sent < total && sent * intervalMs <= now) {
          const sentAtMs = sent * intervalMs;
          const stream = sent % 2 === 1;
          sent += 1;
          const p = sendOnce(pool, { origin: proxy!.url, path: PATHS.chatCompletions, body: chatBody(stream), stream }).then((r) => {
            answers.push({ sentAtMs, doneAtMs: elapsed(), status: r.status, upstream: r.upstream });
          });
          pending.add(p);
          void p.finally(() => pending.delete(p));
        }
        if (sent >= total) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(1, Math.min(10, sent * intervalMs - elapsed())));
      };
      tick();
    });
    await Promise.all([...pending]);
    clearInterval(display);
    while (drawing) await new Promise((r) => setTimeout(r, 10));
    states = await breakerStates(proxy);
    draw();
    await pool.close();

    const verdict = judge(plan, answers, PRIMARY);
    out.write('\nsummary\n');
    out.write(`  requests sent            ${verdict.total.sent}\n`);
    for (const name of regionNames) out.write(`  served by ${name.padEnd(14)} ${verdict.total.served[name] ?? 0}\n`);
    out.write(`  client-visible errors    ${verdict.total.errors}\n`);
    for (const a of plan.acts) {
      const c = verdict.perAct[a.id];
      out.write(`  ${a.label.padEnd(40)} sent ${String(c.sent).padStart(4)}  ${regionNames.map((n) => `${n} ${c.served[n] ?? 0}`).join('  ')}  errors ${c.errors}\n`);
    }
    if (verdict.ok) {
      out.write('\nPASS: no client saw an error; backups served while the primary was down and the primary took over again once it was back\n');
      return 0;
    }
    out.write(`\nFAIL:\n${verdict.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return 1;
  } finally {
    await proxy?.stop();
    for (const m of mocks) await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsDemoHelp(argv)) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  let seconds: number;
  try {
    seconds = demoSecondsFrom(argv, process.env);
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const plan = demoPlan(seconds);
  const guard = setTimeout(() => {
    process.stderr.write(`demo: did not finish within ${plan.totalMs / 1000 + 30} s\n`);
    process.exit(3);
  }, plan.totalMs + 30_000);
  guard.unref();
  const code = await run(plan, process.stdout);
  process.exit(code);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
