import pino from 'pino';

/** The logger shape the runtime uses. */
export type Logger = pino.Logger;

/** Paths pino redacts wherever they appear in a log object. */
export const REDACT_PATHS: readonly string[] = [
  'apiKey', '*.apiKey', 'key', '*.key', 'authorization', '*.authorization', 'headers.authorization',
  'req.headers.authorization', 'headers["api-key"]', 'req.headers["api-key"]', 'clientKeys', '*.clientKeys',
  'auth.clientKeys',
];

/**
 * JSON logger (pino) to `destination` (default stdout), with keys redacted by
 * path and, as a second net, any configured secret string scrubbed from every
 * line before it is written.
 */
export function createLogger(options: { level: string; secrets?: () => readonly string[]; destination?: NodeJS.WritableStream }): Logger {
  const out = options.destination ?? process.stdout;
  const secrets = options.secrets ?? (() => []);
  const stream = {
    write(line: string): void {
      let text = line;
      for (const secret of secrets()) {
        if (secret.length >= 8 && text.includes(secret)) text = text.split(secret).join('[redacted]');
      }
      out.write(text);
    },
  };
  return pino({
    level: options.level,
    base: { service: 'ai-failover-proxy' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: isoTimeByMillisecond(),
    formatters: { level: (label) => ({ level: label }) },
  }, stream);
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
 * the ~24 µs a request line took (issue 12's profile). The stream still
 * scrubs every configured secret from the text, and `logger`'s level (also
 * after a reload) decides what is written.
 */
export function withoutPathRedaction(logger: Pick<Logger, 'child' | 'isLevelEnabled'>): InfoLines {
  const lines = logger.child({}, { redact: [], level: 'trace' });
  return {
    info: (fields, message) => {
      if (logger.isLevelEnabled('info')) lines.info(fields, message);
    },
  };
}
