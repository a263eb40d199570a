/**
 * What `ai-failover-proxy --help` prints: the variables the proxy reads
 * (names from the contract's ENV, defaults from its defaults table), the
 * config file and the ports.
 */
import {
  CIRCUIT_BREAKER_DEFAULTS, CLIENT_KEY_MIN_LENGTH, CONFIG_FILE, ENV, LIFECYCLE_DEFAULTS, PATHS, PORTS,
  RATE_LIMIT_DEFAULTS, RETRIES_DEFAULTS, TIMEOUTS_DEFAULTS,
} from '../../src/contract';

/** One line of the variables table: default and meaning. */
interface VariableHelp {
  readonly fallback: string;
  readonly meaning: string;
}

/** Every variable of the contract's ENV: a new one must say here what it does. */
const HELP: Readonly<Record<keyof typeof ENV, VariableHelp>> = {
  apiKey: { fallback: '-', meaning: 'API key sent to the env upstreams' },
  primaryRegion: { fallback: '-', meaning: 'base URL of the primary region incl. /v1 (upstream "primary"; replaces the file\'s upstreams)' },
  backupRegions: { fallback: '-', meaning: 'comma-separated base URLs of the backups, in priority order (backup_1, backup_2, ...)' },
  failureThreshold: { fallback: String(CIRCUIT_BREAKER_DEFAULTS.failureThreshold), meaning: 'consecutive failures that open an upstream\'s breaker' },
  recoveryTimeout: { fallback: String(CIRCUIT_BREAKER_DEFAULTS.recoveryTimeoutSeconds), meaning: 'seconds a breaker stays open before probing' },
  maxRetries: { fallback: String(RETRIES_DEFAULTS.maxRetries), meaning: 'extra attempts after the first' },
  rateLimitPerMinute: { fallback: String(RATE_LIMIT_DEFAULTS.requestsPerMinute), meaning: 'requests per minute per client key (or address), per process; 0 disables' },
  host: { fallback: '0.0.0.0', meaning: 'bind address of both ports (127.0.0.1 for local runs)' },
  port: { fallback: String(PORTS.http), meaning: 'API port (OpenAI-compatible routes, health, /v1/status, /v1/usage)' },
  metricsPort: { fallback: String(PORTS.metrics), meaning: `Prometheus ${PATHS.metrics}` },
  configPath: { fallback: CONFIG_FILE.defaultPath, meaning: 'config file (a missing default file is fine, a missing explicit one is an error)' },
  requestTimeout: { fallback: String(TIMEOUTS_DEFAULTS.requestSeconds), meaning: 'seconds per try' },
  requestDeadline: { fallback: String(TIMEOUTS_DEFAULTS.deadlineSeconds), meaning: 'seconds for the whole request, failovers included' },
  maxBodyBytes: { fallback: '16777216', meaning: 'largest request body' },
  shutdownDelay: { fallback: String(LIFECYCLE_DEFAULTS.shutdownDelaySeconds), meaning: 'SIGTERM: seconds unready but serving' },
  drainTimeout: { fallback: String(LIFECYCLE_DEFAULTS.drainTimeoutSeconds), meaning: 'SIGTERM: seconds for in-flight requests and streams' },
  logLevel: { fallback: 'info', meaning: 'pino level of the JSON log lines (keys redacted)' },
  logFormat: { fallback: 'auto', meaning: 'json: a fatal start error is one JSON line on a terminal too' },
  proxyApiKeys: { fallback: '-', meaning: `comma-separated client keys (${CLIENT_KEY_MIN_LENGTH}+ characters); unset: open proxy` },
  httpsProxy: { fallback: '-', meaning: 'corporate egress proxy for the upstreams' },
  noProxy: { fallback: '-', meaning: 'hosts reached without HTTPS_PROXY' },
  caBundlePath: { fallback: '-', meaning: 'extra CA certificates (PEM) for the upstreams' },
  kubernetesServiceHost: { fallback: '-', meaning: 'set by Kubernetes in a pod; outside one a Ctrl-C drains without SHUTDOWN_DELAY' },
  redisUrl: { fallback: '-', meaning: 'redis:// or rediss:// URL: rate limit, breakers and usage shared by the replicas (config sharedState)' },
  redisPassword: { fallback: '-', meaning: 'Redis password (overrides one in REDIS_URL; never logged)' },
  deploymentName: { fallback: '-', meaning: 'the Deployment of this pod: default shared-state key prefix ai-failover:<name>:' },
};

/** The `--help` text. */
export function proxyUsage(): string {
  const rows = (Object.keys(ENV) as Array<keyof typeof ENV>).map((key) => {
    return { name: ENV[key], fallback: HELP[key].fallback, meaning: HELP[key].meaning };
  });
  const width = Math.max(...rows.map((r) => r.name.length));
  const fallbackWidth = Math.max(...rows.map((r) => r.fallback.length));
  return [
    'usage: ai-failover-proxy [--help]',
    '',
    'OpenAI-compatible failover proxy: walks its upstreams in priority order behind a circuit',
    'breaker per upstream. Configured by environment variables (they rank above the file) and',
    `a config file (YAML, CONFIG_PATH, default ${CONFIG_FILE.defaultPath}; hot-reloaded).`,
    '',
    'Ports',
    `  PORT (${PORTS.http})          ${PATHS.chatCompletions}, ${PATHS.completions}, ${PATHS.embeddings}, ${PATHS.models},`,
    `                       ${PATHS.status}, ${PATHS.usage}, ${PATHS.healthLive}, ${PATHS.healthReady}, ${PATHS.healthUpstreams}`,
    `  METRICS_PORT (${PORTS.metrics})  ${PATHS.metrics}`,
    '',
    'Environment',
    ...rows.map((r) => `  ${r.name.padEnd(width)}  ${r.fallback.padEnd(fallbackWidth)}  ${r.meaning}`),
    '',
    'Example (two regions on this machine, see ai-failover-mock --help):',
    '  HOST=127.0.0.1 PORT=8080 HOLYSHEEP_API_KEY=sk-test \\',
    '  HOLYSHEEP_PRIMARY_REGION=http://127.0.0.1:9001/v1 HOLYSHEEP_BACKUP_REGIONS=http://127.0.0.1:9002/v1 \\',
    '  ai-failover-proxy',
    '',
    'SIGTERM/SIGINT drain and exit 0; a bad config exits 1 naming every bad field.',
    '',
  ].join('\n');
}
