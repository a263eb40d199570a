import pino from 'pino';

/** The logger shape the runtime uses. */
export type Logger = pino.Logger;

/** Paths pino redacts wherever they appear in a log object. */
export const REDACT_PATHS: readonly string[] = [
  'apiKey', '*.apiKey', 'key', '*.key', 'authorization', '*.authorization', 'headers.authorization',
  'req.headers.authorization', 'headers["api-key"]', 'req.headers["api-key"]', 'clientKeys', '*.clientKeys',
  'auth.clientKeys',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: string;
  /** Secret strings scrubbed from every line (read per line: a reload may change them). */
  readonly secrets?: () => readonly string[];
  /** Where lines go. @default process.stdout */
  readonly destination?: NodeJS.WritableStream;
  /**
   * Hand lines to the destination in one write per turn of the event loop
   * (see {@link LineBatch}) rather than one write per line.
   * @default true when the destination is process.stdout
   */
  readonly batch?: boolean;
}

/**
 * JSON logger (pino) to `destination` (default stdout), with keys redacted by
 * path and, as a second net, any configured secret string scrubbed from every
 * line before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const secrets = options.secrets ?? (() => []);
  const batch = (options.batch ?? options.destination === undefined) ? new LineBatch(out) : undefined;
  if (batch) process.once('exit', () => batch.flush());
  const stream = {
    write(line: string): void {
      let text = line;
      for (const secret of secrets()) {
        if (secret.length >= 8 && text.includes(secret)) text = text.split(secret).join('[redacted]');
      }
      if (batch) batch.push(text);
      else out.write(text);
    },
    /** pino's `logger.flush()` calls this. */
    flush(done?: (error?: Error) => void): void {
      batch?.flush();
      done?.();
    },
  };
  const logger = pino({
    level: options.level,
    base: { service: SERVICE },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: isoTimeByMillisecond(),
    formatters: { level: (label) => ({ level: label }) },
  }, stream);
  lineStreams.set(logger, stream);
  return logger;
}

/** The `service` field of every line. */
const SERVICE = 'ai-failover-proxy';

/** The stream (secret scrubbing, batching) behind each logger {@link createLogger} made. */
const lineStreams = new WeakMap<object, { write(line: string): void }>();

/**
 * Log lines handed to `out` in one write per turn of the event loop (sooner
 * once `maxBytes` are waiting), in the order they were logged. Node writes
 * stdout synchronously when it is a file or, on Linux, a pipe (a container's
 * stdout): one `write(2)` per request line took ~13 µs of the proxy's
 * ~220 µs per request under load (issue 12's profile); under load one write
 * now carries the lines of every request that ended in the same turn.
 * {@link flush} writes what waits at once (the logger's `flush()`, and
 * {@link createLogger} calls it at process exit), so a line is lost only
 * when the process is killed outright in the turn that logged it.
 */
export class LineBatch {
  private pending: string[] = [];
  private bytes = 0;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly out: NodeJS.WritableStream, private readonly maxBytes = 64 * 1024) {}

  /** Queues one line (with its newline). */
  public push(text: string): void {
    this.pending.push(text);
    this.bytes += text.length;
    if (this.bytes >= this.maxBytes) this.flush();
    else if (this.scheduled === undefined) this.scheduled = setImmediate(() => this.flush());
  }

  /** Writes every queued line now, in one write. */
  public flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.bytes = 0;
    this.out.write(text);
  }
}

/**
 * pino's `isoTime` (`,"time":"<ISO 8601>"`), formatted once per millisecond:
 * `toISOString` took ~4 µs of every log line (issue 12's profile) and lines of
 * the same millisecond share the text.
 */
export function isoTimeByMillisecond(now: () => number = Date.now): () => string {
  let at = Number.NaN;
  let text = '';
  return () => {
    const ms = now();
    if (ms !== at) {
      at = ms;
      text = `,"time":"${new Date(ms).toISOString()}"`;
    }
    return text;
  };
}

/** The one method {@link withoutPathRedaction} gives. */
export interface InfoLines {
  info(fields: object, message: string): void;
}

/**
 * `logger` without pino's path redaction, for lines whose fields are fixed
 * scalars that no redact path names (the per-request line): the redaction
 * pass ran over every field because of the wildcard paths and cost ~19 µs of
 * the ~24 µs a request line took (issue 12's profile). For a logger of
 * {@link createLogger} the line is serialised here, byte for byte as pino
 * writes it (level, time, service, the fields, msg; undefined fields left
 * out), with one `JSON.stringify` of the fields: pino's own serialisation
 * took another ~4 µs a line. The stream still scrubs every configured secret
 * from the text, and `logger`'s level (also after a reload) decides what is
 * written.
 */
export function withoutPathRedaction(logger: Pick<Logger, 'child' | 'isLevelEnabled'>): InfoLines {
  const stream = lineStreams.get(logger);
  if (stream !== undefined) {
    const time = isoTimeByMillisecond();
    return {
      info: (fields, message) => {
        if (!logger.isLevelEnabled('info')) return;
        const body = JSON.stringify(fields);
        const inner = body.length > 2 ? `,${body.slice(1, -1)}` : '';
        stream.write(`{"level":"info"${time()},"service":"${SERVICE}"${inner},"msg":${JSON.stringify(message)}}\n`);
      },
    };
  }
  const lines = logger.child({}, { redact: [], level: 'trace' });
  return {
    info: (fields, message) => {
      if (logger.isLevelEnabled('info')) lines.info(fields, message);
    },
  };
}
