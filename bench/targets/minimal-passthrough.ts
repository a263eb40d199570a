/**
 * The cost floor of a Node.js proxy, the benchmark's baseline: node:http in,
 * one undici Pool out, the request body buffered, the response streamed.
 * `node --import tsx bench/targets/minimal-passthrough.ts <upstream origin>`
 * prints its URL; SIGTERM stops it. Nothing else: no auth, no retries.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const pool = new Pool(process.argv[2]);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !NOT_FORWARDED.has(name)));
    pool.request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks) }).then((upstream) => {
      res.writeHead(upstream.statusCode, Object.fromEntries(Object.entries(upstream.headers).filter(([name]) => !NOT_RETURNED.has(name))));
      pipeline(upstream.body, res, () => undefined);
    }, () => res.writeHead(502).end());
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => process.exit(0));
