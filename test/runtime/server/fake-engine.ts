import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { priceUsage } from '../../../runtime/core/pricing';
import { NO_EVENTS, type ProxyEvents } from '../../../runtime/events';
import { sseErrorEvent } from '../../../runtime/proxy/response/sse-usage-filter';
import type { EngineFactoryOptions, EnginePort, RequestContext, UpstreamStatusView } from '../../../runtime/server/engine-port';
import type { ProxyConfig } from '../../../src/contract';

/**
 * A stand-in for ProxyEngine with the same shape: answers chat completions
 * with fixed usage (10 in / 20 out), or holds an SSE stream open until
 * `endStreams()` or `abortStreams()`. `upstreamsDown` marks every breaker open.
 */
export class FakeEngine implements EnginePort {
  public upstreamsDown = false;
  public reconfigured: ProxyConfig[] = [];
  public aborted: string[] = [];
  private current: ProxyConfig;
  private readonly events: ProxyEvents;
  private readonly streams = new Set<ServerResponse>();
  private streamEnders: Array<() => void> = [];

  constructor(options: EngineFactoryOptions) {
    this.current = options.config;
    this.events = options.events ?? NO_EVENTS;
  }

  get config(): ProxyConfig {
    return this.current;
  }

  reconfigure(config: ProxyConfig): void {
    this.current = config;
    this.reconfigured.push(config);
  }

  async handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    // the server reads the body before the request counts as in flight, and hands it over in ctx
    const chunks: Buffer[] = ctx.body !== undefined ? [ctx.body] : [];
    if (ctx.body === undefined) for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 && Buffer.concat(chunks).length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string; stream?: boolean; hold?: boolean } : {};
    const route = (req.url ?? '').split('?')[0] ?? '';
    const model = body.model ?? 'unknown';
    const upstream = this.current.upstreams[0]?.name ?? 'none';
    this.events.requestStarted({ requestId: ctx.requestId, route, stream: body.stream === true });
    this.events.attemptFinished({ requestId: ctx.requestId, route, upstream, attempt: 1, outcome: 'success', status: 200, latencyMs: 5 });
    const usage = { promptTokens: 10, completionTokens: 20 };
    const costUsd = priceUsage(this.current.pricing, model, 10, 20);
    const finish = (status: number): void => this.events.requestFinished({
      requestId: ctx.requestId,
      route,
      model,
      status,
      stream: body.stream === true,
      upstream,
      attempts: 1,
      failovers: 0,
      failedAttempts: 0,
      retries: 0,
      durationMs: performance.now() - ctx.receivedAt,
      overheadMs: 1,
      usage,
      costUsd,
      client: ctx.client,
    });
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
      this.streams.add(res);
      this.events.streamOpened();
      await new Promise<void>((resolve) => {
        this.streamEnders.push(resolve);
        res.on('close', resolve);
      });
      if (!res.writableEnded) res.end('data: [DONE]\n\n');
      this.streams.delete(res);
      this.events.streamClosed();
      finish(200);
      return;
    }
    const text = JSON.stringify({ id: 'x', object: 'chat.completion', model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 20 } });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(text);
    finish(200);
  }

  /** Ends every open stream normally. */
  endStreams(): void {
    const enders = this.streamEnders;
    this.streamEnders = [];
    enders.forEach((end) => end());
  }

  upstreamStatus(): UpstreamStatusView[] {
    return this.current.upstreams.map((u) => ({
      name: u.name,
      baseUrl: u.baseUrl,
      priority: u.priority,
      weight: u.weight,
      state: this.upstreamsDown ? 'open' : 'closed',
      consecutiveFailures: this.upstreamsDown ? 5 : 0,
      recentErrorRate: this.upstreamsDown ? 1 : 0,
      recentLatencyMs: null,
      openUntil: null,
      isolated: false,
      lastError: null,
      models: u.models,
    }));
  }

  isolate(): { dispose(): void } {
    throw new Error('the fake engine has no breakers to isolate');
  }

  openStreams(): number {
    return this.streams.size;
  }

  abortStreams(reason: string): void {
    this.aborted.push(reason);
    for (const res of this.streams) {
      // the engine's one stream error format (data-only `{"error": ...}`)
      res.end(sseErrorEvent('server_shutting_down', reason));
    }
    this.endStreams();
  }

  async close(): Promise<void> {
    this.endStreams();
  }
}

/** Factory that remembers the engine it built. */
export function fakeEngineFactory(): { create: (options: EngineFactoryOptions) => FakeEngine; engine: () => FakeEngine } {
  let built: FakeEngine | undefined;
  return {
    create: (options) => (built = new FakeEngine(options)),
    engine: () => {
      if (!built) throw new Error('engine not built yet');
      return built;
    },
  };
}
