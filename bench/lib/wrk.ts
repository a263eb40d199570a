/**
 * Max throughput with wrk (closed loop, C connections, fixed duration): the
 * request comes from a Lua script written to a temp dir, and the script's
 * `done` hook prints the summary as one JSON line. Without wrk the same run
 * falls back to the undici closed loop of ./load, and says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { BENCH_CLIENT_KEY } from './env';
import { closedLoop, type LoadTarget } from './load';
import { round, summarize } from './stats';

/** Options of {@link maxThroughput}. */
export interface ThroughputOptions {
  readonly connections: number;
  readonly durationMs: number;
  /** wrk threads. @default 1 */
  readonly threads?: number;
  /** Cap on requests of the undici fallback (wrk is bounded by duration only). */
  readonly maxRequests: number;
}

/** One max-throughput run. */
export interface ThroughputResult {
  /** `wrk` or `undici` (the fallback when wrk is not installed). */
  readonly tool: 'wrk' | 'undici';
  /** Successful (2xx/3xx) responses per second. */
  readonly rps: number;
  readonly requests: number;
  /** Non-2xx/3xx answers plus connect/read/write errors and timeouts. */
  readonly errors: number;
  /** Whole-response latency under that load, in ms. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** Path of wrk on PATH, or undefined. */
export function findWrk(): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/')).map((d) => join(d, 'wrk')).find((p) => existsSync(p));
}

/** The Lua script: POST `bodyPath`'s bytes with the bench headers, JSON summary on done. */
export function wrkScript(bodyPath: string): string {
  return `local f = assert(io.open(${JSON.stringify(bodyPath)}, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${BENCH_CLIENT_KEY}"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%.0f,"durationUs":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,"p50Us":%.0f,"p99Us":%.0f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
`;
}

interface WrkJson {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
}

/** Reads the `WRK_JSON` line of wrk's output. */
export function parseWrkOutput(output: string): ThroughputResult {
  const line = /^WRK_JSON (\{.*\})$/m.exec(output);
  if (!line) throw new Error(`wrk printed no summary line (output: ${JSON.stringify(output.slice(-500))})`);
  const j = JSON.parse(line[1]) as WrkJson;
  const errors = j.connect + j.read + j.write + j.status + j.timeout;
  const ok = Math.max(0, j.requests - j.status - j.timeout);
  return {
    tool: 'wrk',
    rps: round(ok / (j.durationUs / 1e6), 0),
    requests: j.requests,
    errors,
    latencyMs: { p50: round(j.p50Us / 1000, 3), p99: round(j.p99Us / 1000, 3) },
  };
}

async function runWrk(binary: string, target: LoadTarget, options: ThroughputOptions): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-failover-bench-wrk-'));
  try {
    const bodyPath = join(dir, 'body.json');
    const scriptPath = join(dir, 'post.lua');
    writeFileSync(bodyPath, target.body);
    writeFileSync(scriptPath, wrkScript(bodyPath));
    const seconds = Math.max(1, Math.round(options.durationMs / 1000));
    const args = ['-t', String(options.threads ?? 1), '-c', String(options.connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', scriptPath, `${target.origin}${target.path}`];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    // wrk ends by itself after `seconds`; this only guards against a hang
    const guard = setTimeout(() => child.kill('SIGKILL'), seconds * 1000 + 15_000);
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
    clearTimeout(guard);
    if (code !== 0) throw new Error(`wrk exited with code ${code}: ${out.trim().slice(-500)}`);
    return parseWrkOutput(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Max throughput of `target` with wrk at `wrk` (found on PATH by default), or the undici closed loop when there is none (`''`). */
export async function maxThroughput(target: LoadTarget, options: ThroughputOptions, wrk = findWrk()): Promise<ThroughputResult> {
  if (wrk) return runWrk(wrk, target, options);
  const r = await closedLoop(target, { concurrency: options.connections, durationMs: options.durationMs, maxRequests: options.maxRequests });
  // the closed loop times streams to their first byte: its percentiles are TTFB there
  const latency = summarize(r.latenciesMs);
  return {
    tool: 'undici',
    rps: round(r.throughputRps, 0),
    requests: r.completed + r.errors,
    errors: r.errors,
    latencyMs: { p50: round(latency.p50, 3), p99: round(latency.p99, 3) },
  };
}
