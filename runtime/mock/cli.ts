/**
 * Starts N mock upstreams on the given ports (loopback only), a test tool:
 * `tsx runtime/mock/cli.ts [--mode '<MockMode json>'] 9001 9002` (no ports:
 * one on a free port). Prints one line per mock: name, base URL and its
 * control URLs (`PUT /__mock/mode`, `GET /__mock/stats`, no auth);
 * SIGINT/SIGTERM close them.
 */
import { MOCK_CONTROL, parseMockMode } from './mock-control';
import { startMockUpstream, type MockMode, type MockUpstream } from './mock-upstream';

async function main(args: readonly string[]): Promise<void> {
  const argv = [...args];
  let initial: MockMode | undefined;
  const at = argv.indexOf('--mode');
  if (at >= 0) {
    const raw = argv[at + 1];
    argv.splice(at, 2);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw ?? '');
    } catch {
      throw new Error(`--mode must be a JSON MockMode, e.g. '{"kind":"status","status":503}' (received ${JSON.stringify(raw)})`);
    }
    const mode = parseMockMode(parsed);
    if (typeof mode === 'string') throw new Error(`--mode: ${mode}`);
    initial = mode;
  }
  const ports = argv.length > 0 ? argv.map((a) => Number(a)) : [0];
  for (const [i, port] of ports.entries()) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`port must be an integer 0-65535 (received ${JSON.stringify(argv[i])})`);
    }
  }
  const mocks: MockUpstream[] = [];
  for (const [i, port] of ports.entries()) {
    const mock = await startMockUpstream({ name: `mock_${i + 1}`, port });
    mocks.push(mock);
    if (initial) mock.setMode(initial);
    const origin = `http://127.0.0.1:${mock.port}`;
    process.stdout.write(`${mock.name} ${mock.url} mode: PUT ${origin}${MOCK_CONTROL.mode} stats: GET ${origin}${MOCK_CONTROL.stats}\n`);
  }
  const stop = (): void => {
    void Promise.all(mocks.map((m) => m.close())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
