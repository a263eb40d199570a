/**
 * `ai-failover-mock`: fault-injecting OpenAI-compatible mock upstreams on
 * 127.0.0.1, a test tool (bundled to lib/runtime/ai-failover-mock.js; in this
 * repo `npm run mock -- …` or `tsx runtime/mock/cli.ts …`). Prints one line
 * per mock: name, base URL and its control URLs; SIGINT/SIGTERM close them.
 */
import { MOCK_CONTROL, parseMockMode } from './mock-control';
import { startMockUpstream, type MockMode, type MockUpstream } from './mock-upstream';

/** What `--help` prints. */
export const MOCK_USAGE = `usage: ai-failover-mock [--mode '<json>'] [--name <prefix>] [port ...]

Starts one fault-injecting, OpenAI-compatible mock upstream per port on 127.0.0.1
(no port: one on a free port; 0: a free port). A test tool: no auth, loopback only.

Serves  OpenAI: GET /v1/models, POST /v1/chat/completions (JSON and stream: true; a
        tool call when the request has tools), POST /v1/completions, POST /v1/embeddings
        (one vector per input, encoding_format float or base64), POST /v1/responses
        (JSON and typed SSE events), GET/DELETE /v1/responses/{id}, POST .../cancel
        Anthropic: POST /v1/messages (JSON and SSE), POST /v1/messages/count_tokens

Options
  --mode '<json>'   start in this mode (default {"kind":"ok"}), e.g. '{"kind":"status","status":503}'
  --name <prefix>   mock names <prefix>_1, <prefix>_2, … (default mock)
  --help, -h        print this and exit

Modes (switch at run time: curl -X PUT http://127.0.0.1:<port>${MOCK_CONTROL.mode} -d '<json>')
  {"kind":"ok"}                                   answer normally
  {"kind":"latency","ms":500}                     answer after a delay
  {"kind":"status","status":503,"retryAfterSeconds":2}  answer with an error status
  {"kind":"reset"}                                drop the connection (a region outage)
  {"kind":"hang"}                                 never answer
  {"kind":"slow-stream","chunkDelayMs":200}       streams: a pause before each chunk
  {"kind":"broken-stream","afterChunks":2}        streams: drop the connection after N chunks
  {"kind":"stream-stall","resetAfterMs":1000}     streams: headers, then silence (and a reset)
  {"kind":"empty-stream"}                         streams: headers, then a clean end

Stats: curl http://127.0.0.1:<port>${MOCK_CONTROL.stats}   ({"name","requests","mode"})
`;

/** Parsed command line. */
interface MockArgs {
  readonly help: boolean;
  readonly mode?: MockMode;
  readonly prefix: string;
  readonly ports: readonly number[];
}

/** Parses the command line; throws naming the bad argument. */
export function parseMockArgs(args: readonly string[]): MockArgs {
  const ports: number[] = [];
  let mode: MockMode | undefined;
  let prefix = 'mock';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return { help: true, prefix, ports };
    if (arg === '--mode') {
      const raw = args[++i];
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw ?? '');
      } catch {
        throw new Error(`--mode must be a JSON MockMode, e.g. '{"kind":"status","status":503}' (received ${JSON.stringify(raw)})`);
      }
      const checked = parseMockMode(parsed);
      if (typeof checked === 'string') throw new Error(`--mode: ${checked}`);
      mode = checked;
    } else if (arg === '--name') {
      const raw = args[++i];
      if (raw === undefined || !/^[a-z0-9][a-z0-9_-]*$/i.test(raw)) throw new Error(`--name must be letters, digits, _ or - (received ${JSON.stringify(raw)})`);
      prefix = raw;
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${JSON.stringify(arg)} (see --help)`);
    } else {
      const port = Number(arg);
      if (!/^\d+$/.test(arg) || port > 65535) throw new Error(`port must be an integer 0-65535 (received ${JSON.stringify(arg)})`);
      ports.push(port);
    }
  }
  return { help: false, mode, prefix, ports: ports.length > 0 ? ports : [0] };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseMockArgs(argv);
  if (args.help) {
    process.stdout.write(MOCK_USAGE);
    return;
  }
  const mocks: MockUpstream[] = [];
  const stop = (): void => {
    void Promise.all(mocks.map((m) => m.close())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const [i, port] of args.ports.entries()) {
    const mock = await startMockUpstream({ name: `${args.prefix}_${i + 1}`, port });
    mocks.push(mock);
    if (args.mode) mock.setMode(args.mode);
    const origin = `http://127.0.0.1:${mock.port}`;
    process.stdout.write(`${mock.name} ${mock.url} mode: PUT ${origin}${MOCK_CONTROL.mode} stats: GET ${origin}${MOCK_CONTROL.stats}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`ai-failover-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
