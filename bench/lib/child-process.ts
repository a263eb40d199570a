/**
 * Runs one benchmark target (a mock, the minimal pass-through, nginx) as a
 * child process and stops it by its PID: only children started here are
 * ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rssOf } from './proxy-process';

/** A benchmark child process. */
export interface BenchChild {
  readonly pid: number;
  /** Resident set size of the child now, in bytes. */
  rssBytes(): number;
  /** `signal`, then SIGKILL after `graceMs`; resolves once the child exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  /** Named in error messages, e.g. `mock`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Signal that asks the child to stop. @default 'SIGTERM' */
  readonly stopSignal?: NodeJS.Signals;
}

/** A child that printed the URL it listens on. */
export interface UrlChild extends BenchChild {
  /** First match of `urlPattern` in its stdout. */
  readonly url: string;
}

function handle(child: ChildProcess, options: StartChildOptions): BenchChild {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} child has no pid`);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid,
    rssBytes: () => rssOf(pid),
    stop: async (graceMs = 3000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a child whose stdout is discarded (it listens on a port chosen by the caller). */
export function startQuietChild(options: StartChildOptions): { child: BenchChild; stderr: () => string; exitCode: () => number | null } {
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let code: number | null = null;
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-2000);
  });
  child.once('exit', (exit) => {
    code = exit ?? -1;
  });
  return { child: handle(child, options), stderr: () => err.trim(), exitCode: () => code };
}

/** Starts a child and waits until its stdout shows a URL matching `urlPattern`. */
export async function startUrlChild(options: StartChildOptions & { readonly urlPattern: RegExp; readonly timeoutMs?: number }): Promise<UrlChild> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} printed no URL within ${timeoutMs} ms (stderr: ${err.trim() || 'empty'})`));
    }, timeoutMs);
    child.stderr?.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-2000);
    });
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const match = options.urlPattern.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before printing its URL (stderr: ${err.trim() || 'empty'})`));
    });
  });
  return { url, ...handle(child, options) };
}
