/**
 * Starts N mock upstreams on the given ports (loopback only):
 * `tsx runtime/mock/cli.ts 9001 9002` (no ports: one on a free port).
 * Prints one base URL per line; SIGINT/SIGTERM close them.
 */
import { startMockUpstream, type MockUpstream } from './mock-upstream';

async function main(argv: readonly string[]): Promise<void> {
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
    process.stdout.write(`${mock.name} ${mock.url}\n`);
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
