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
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, stream);
}
