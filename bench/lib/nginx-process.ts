/**
 * nginx as a second reference proxy, when it is installed: one process
 * (`master_process off`, i.e. one worker), keep-alive connections to the
 * upstream, no buffering (streams pass through as they come), every file it
 * writes in a temp dir. Started as a child and stopped by its PID.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'undici';
import { startQuietChild, type BenchChild } from './child-process';
import { freePort } from './proxy-process';

/** A running nginx. */
export interface NginxProcess extends BenchChild {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly version: string;
}

/** Where nginx is: on PATH, or Debian's /usr/sbin/nginx; undefined when absent. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  return dirs.filter((dir) => dir.startsWith('/')).map((dir) => join(dir, 'nginx')).find((path) => existsSync(path));
}

/** `nginx -v` (printed on stderr), e.g. `nginx/1.22.1`. */
export function nginxVersion(binary: string): string {
  const out = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return /nginx\/[\w.]+/.exec(`${out.stderr}${out.stdout}`)?.[0] ?? 'nginx';
}

/** The nginx.conf of the benchmark: `prefix` holds the pid file, logs and temp paths. */
export function nginxConfig(prefix: string, port: number, upstreamHostPort: string): string {
  return `worker_processes 1;
master_process off;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'client_body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
  upstream mock {
    server ${upstreamHostPort};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

/** Starts nginx in front of `upstreamOrigin`; undefined when nginx is not installed. */
export async function startNginxProcess(upstreamOrigin: string, binary = findNginx(), readyTimeoutMs = 10_000): Promise<NginxProcess | undefined> {
  if (binary === undefined) return undefined;
  const prefix = mkdtempSync(join(tmpdir(), 'ai-failover-bench-nginx-'));
  const port = await freePort();
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, nginxConfig(prefix, port, new URL(upstreamOrigin).host));
  const { child, stderr, exitCode } = startQuietChild({
    name: 'nginx',
    command: binary,
    args: ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', confPath],
    stopSignal: 'SIGQUIT',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  const cleanUp = async (): Promise<void> => {
    await child.stop();
    rmSync(prefix, { recursive: true, force: true });
  };
  for (;;) {
    if (exitCode() !== null) {
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx exited with code ${exitCode()} before it was ready: ${stderr() || '(no stderr)'}`);
    }
    try {
      const res = await request(`${url}/v1/models`, { headersTimeout: 500, bodyTimeout: 500 });
      await res.body.dump();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await cleanUp();
      throw new Error(`nginx not ready on ${url} within ${readyTimeoutMs} ms: ${stderr() || '(no stderr)'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...child, url, version: nginxVersion(binary), stop: cleanUp };
}
