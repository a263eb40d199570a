import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenUpstream, postChat, startProxyWith, yamlFor, type LoopbackUpstream, type SecuredProxy } from './loopback';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed certificate and key made with openssl for 127.0.0.1. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface StatusView {
  readonly upstreams: {
    readonly name: string;
    readonly lastError: { readonly code: string; readonly outcome: string; readonly at: string } | null;
  }[];
}

describe('the undici error code of a failed attempt is kept', () => {
  let running: SecuredProxy | undefined;
  const servers: LoopbackUpstream[] = [];
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** Sends one request to a proxy over `url` and returns the attempt code in the event, the log and /v1/status. */
  const failOnce = async (url: string): Promise<{ status: number; logged: unknown; lastError: StatusView['upstreams'][number]['lastError'] }> => {
    running = await startProxyWith(yamlFor([{ name: 'primary', url }], ['retries: {maxRetries: 0}', 'timeouts: {connectSeconds: 2, requestSeconds: 1}']));
    const res = await postChat(running.proxy.url);
    const attemptLine = running.logs().find((l) => l.event === 'attempt_failed');
    const requestLine = running.logs().find((l) => l.event === 'request' && l.route === '/v1/chat/completions');
    expect(requestLine?.upstreamErrorCode).toBe(attemptLine?.errorCode);
    const status = (await (await fetch(`${running.proxy.url}/v1/status`)).json()) as StatusView;
    return { status: res.status, logged: attemptLine?.errorCode, lastError: status.upstreams[0]!.lastError };
  };

  it('keeps ECONNREFUSED for a refused connection', async () => {
    // GIVEN an upstream port nothing listens on
    const port = await closedPort();
    // WHEN a request fails there
    const result = await failOnce(`http://127.0.0.1:${port}/v1`);
    // THEN the code is in the log line and /v1/status, with the outcome
    expect(result.status).toBe(502);
    expect(result.logged).toBe('ECONNREFUSED');
    expect(result.lastError).toMatchObject({ code: 'ECONNREFUSED', outcome: 'connection_error' });
    expect(Date.parse(result.lastError!.at)).toBeGreaterThan(0);
  });

  it('keeps the TLS error code of an untrusted certificate', async () => {
    // GIVEN an https upstream with a self-signed certificate
    const tls = selfSigned();
    const server = createHttpsServer(tls, (_req, res) => res.end('{}'));
    const upstream = await listenUpstream(server);
    servers.push(upstream);
    // WHEN a request fails the TLS handshake
    const result = await failOnce(upstream.url.replace('http://', 'https://'));
    // THEN the code names the certificate problem
    expect(result.logged).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(result.lastError).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', outcome: 'connection_error' });
  });

  it('keeps the socket error code of a connection reset before the answer', async () => {
    // GIVEN an upstream that resets every connection once the request arrives
    const server = createNetServer((socket) => {
      socket.on('data', () => socket.resetAndDestroy());
      socket.on('error', () => undefined);
    });
    const upstream = await listenUpstream(server);
    servers.push(upstream);
    // WHEN a request fails there
    const result = await failOnce(upstream.url);
    // THEN the code says the connection was reset (or closed) by the other side
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(result.logged);
    expect(result.lastError?.outcome).toBe('connection_error');
  });

  it('keeps UND_ERR_HEADERS_TIMEOUT-style codes distinct for a per-try timeout', async () => {
    // GIVEN an upstream that accepts the request and never answers
    const server = createNetServer((socket) => socket.on('error', () => undefined));
    const upstream = await listenUpstream(server);
    servers.push(upstream);
    // WHEN the per-try timeout cuts the attempt
    const result = await failOnce(upstream.url);
    // THEN the code says which timeout fired
    expect(result.status).toBe(504);
    expect(['UND_ERR_HEADERS_TIMEOUT', 'PROXY_TRY_TIMEOUT']).toContain(result.logged);
    expect(result.lastError?.outcome).toBe('timeout');
  });

  it('shows lastError null for an upstream that has not failed', async () => {
    // GIVEN a fresh proxy
    const port = await closedPort();
    running = await startProxyWith(yamlFor([{ name: 'primary', url: `http://127.0.0.1:${port}/v1` }]));
    // WHEN /v1/status is read before any request
    const status = (await (await fetch(`${running.proxy.url}/v1/status`)).json()) as StatusView;
    // THEN no last error is shown
    expect(status.upstreams[0]!.lastError).toBeNull();
  });
});
