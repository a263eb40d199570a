/**
 * Runs one of the package's bins (the proxy or the mock) as a child process
 * on 127.0.0.1 port 0 and reads what it prints; stops it by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running bin. */
export interface BinProcess {
  readonly pid: number;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Everything printed to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line that `match` accepts (rejects on exit or after `timeoutMs`). */
  line(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM (SIGKILL after `graceMs`); resolves with the exit code once it exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node <file> ...args` with `env` (added to PATH only; nothing else inherited). */
export function startBin(file: string, args: readonly string[], env: Readonly<Record<string, string>>): BinProcess {
  const child: ChildProcess = spawn(process.execPath, [file, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return {
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    line(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = out.split('\n').slice(0, -1).find(match);
          if (found === undefined) return false;
          done();
          resolve(found);
          return true;
        };
        const onData = (): void => {
          check();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching line within ${timeoutMs} ms (stdout ${JSON.stringify(out.slice(-500))}, stderr ${JSON.stringify(err.slice(-500))})`));
        }, timeoutMs);
        const onExit = (code: number | null): void => {
          if (check()) return;
          done();
          reject(new Error(`exited with ${code} before a matching line (stdout ${JSON.stringify(out.slice(-500))}, stderr ${JSON.stringify(err.slice(-500))})`));
        };
        const done = (): void => {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.off('exit', onExit);
        };
        child.stdout!.on('data', onData);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
        }, graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

/** The JSON log line with `event` (parsed). */
export function eventLine(line: string, event: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return parsed.event === event ? parsed : undefined;
  } catch {
    return undefined;
  }
}
