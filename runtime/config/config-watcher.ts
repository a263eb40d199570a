import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Env } from './env-config';
import { ConfigError, loadConfig } from './load-config';
import type { ProxyConfig } from '../../src/contract';

/** Options of {@link watchConfig}. */
export interface ConfigWatcherOptions {
  /** The config file (its directory is watched, so ConfigMap `..data` symlink swaps are seen). */
  readonly path: string;
  readonly env: Env;
  /** Called with a new valid config that differs from the last one. */
  readonly onChange: (config: ProxyConfig) => void;
  /** Called when the new file is invalid; the running config stays. */
  readonly onError: (error: ConfigError) => void;
  /** Other files whose change also triggers a reload, e.g. `auth.clientKeysFile` (re-read on each check). */
  readonly extraPaths?: () => readonly string[];
  /** Fallback poll interval in ms (default 10 000). */
  readonly pollIntervalMs?: number;
  /** Debounce of file events in ms (default 100). */
  readonly debounceMs?: number;
}

/** A running watcher. */
export interface ConfigWatcher {
  /** Re-reads now (also what file events and the poll call). */
  check(): void;
  close(): void;
}

/**
 * Watches the config file for hot reload: `fs.watch` on the directory (a
 * ConfigMap update swaps the `..data` symlink, not the file) plus a poll as a
 * fallback. Each change is re-validated with the env on top; only a changed,
 * valid config reaches `onChange`. Extra files (a client keys Secret) are
 * watched the same way; their directories are fixed at start, their contents
 * re-read on every check.
 */
export function watchConfig(options: ConfigWatcherOptions): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const paths = (): string[] => [options.path, ...(options.extraPaths?.() ?? [])];
  const current = (): string => paths().map(fingerprint).join('|');
  let last = current();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const check = (): void => {
    if (closed) return;
    const now = current();
    if (now === last) return;
    last = now;
    try {
      const loaded = loadConfig(options.env, { configPath: options.path });
      options.onChange(loaded.config);
    } catch (error) {
      options.onError(error instanceof ConfigError ? error : new ConfigError(options.path, [String((error as Error).message)]));
    }
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths().map((p) => dirname(p)))) {
    try {
      const names = new Set(paths().filter((p) => dirname(p) === dir).map((p) => basename(p)));
      const watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || names.has(String(file)) || String(file).startsWith('..')) schedule();
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // the poll still works
    }
  }
  const poll = setInterval(check, options.pollIntervalMs ?? 10_000);
  poll.unref();

  return {
    check,
    close: () => {
      closed = true;
      watchers.forEach((watcher) => watcher.close());
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}

/** Content fingerprint of the file as seen through symlinks. */
function fingerprint(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}
