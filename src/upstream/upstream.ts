import { isHttpUrl, redactUserInfo, UPSTREAM_MAX_CONNECTIONS, UPSTREAM_NAME } from '../contract';
import { UpstreamFormat } from './upstream-format';
import { urlPort } from '../private/url-port';
import { SecretKeyRef } from '../secret-key-ref/secret-key-ref';

/** `anthropic-version` dates (`YYYY-MM-DD`). */
const ANTHROPIC_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** What every upstream can set, whatever its factory: routing, key and models. */
export interface UpstreamBaseOptions {
  /**
   * Lower is tried first. Upstreams with equal explicit priorities share traffic
   * by `weight`; a list position that ties with another upstream's explicit
   * priority is refused at synth (set `priority` on every upstream or on none).
   * @default - the upstream's position in the `upstreams` list (0, 1, 2, ...)
   */
  readonly priority?: number;
  /**
   * Weighted round robin among upstreams of equal priority (1-1000).
   * @default 1
   */
  readonly weight?: number;
  /**
   * The Secret key holding this upstream's API key.
   * @default - the proxy's `apiKey` (Secret `holysheep-credentials`, key `api-key`)
   */
  readonly apiKey?: SecretKeyRef;
  /**
   * Models this upstream serves.
   * @default - every model
   */
  readonly models?: string[];
  /**
   * Model name rewrites: the client's model name → the name this upstream is
   * sent, so that one alias can fail over across providers (e.g.
   * `{ 'gpt-4.1': 'openai/gpt-4.1' }` for OpenRouter).
   * @default - model names are sent unchanged
   */
  readonly modelRewrites?: { [model: string]: string };
  /**
   * Connections each proxy pod keeps open to this upstream at most (the
   * HTTP connection pool's cap, 1-4096); requests beyond it wait for a free
   * connection. Lower it for a provider that limits concurrent connections
   * per client; raise it for a busy in-cluster backend (every request, a
   * stream included, holds one connection while it runs).
   * @default 128
   */
  readonly maxConnections?: number;
}

/** Options of the preset factories (`Upstream.openAi()`, `Upstream.holySheep(...)`, ...). */
export interface UpstreamOptions extends UpstreamBaseOptions {
  /**
   * Label of the upstream in headers, metrics and logs: 1-63 characters of
   * `a-z`, `0-9`, `-` or `_`.
   * @default - the preset's name (e.g. `holysheep-us`)
   */
  readonly name?: string;
}

/**
 * What an upstream of format `UpstreamFormat.ANTHROPIC` can set besides the
 * rest (`Upstream.anthropic(...)`, or `Upstream.custom(...)` with that format;
 * refused at synth for any other format).
 */
export interface AnthropicFormatOptions {
  /**
   * The `anthropic-version` header sent when the client sent none (a
   * client's own version, and its `anthropic-beta`, are passed through).
   * @default - `2023-06-01`
   * @see https://docs.anthropic.com/en/api/versioning
   */
  readonly anthropicVersion?: string;
  /**
   * `max_tokens` sent with a chat request translated for this upstream when
   * the request names neither `max_completion_tokens` nor `max_tokens`
   * (Anthropic requires one).
   * @default 4096
   */
  readonly defaultMaxTokens?: number;
}

/** Options of {@link Upstream.anthropic}. */
export interface AnthropicUpstreamOptions extends UpstreamOptions, AnthropicFormatOptions {}

/** Props of {@link Upstream.custom}: any endpoint, named by the caller. */
export interface UpstreamProps extends UpstreamBaseOptions, AnthropicFormatOptions {
  /** Label of the upstream (1-63 characters of `a-z`, `0-9`, `-` or `_`). */
  readonly name: string;
  /** Base URL including the API version prefix, e.g. `https://api.holysheep.ai/v1` or `https://api.anthropic.com/v1`. */
  readonly baseUrl: string;
  /**
   * The API the endpoint speaks.
   * @default UpstreamFormat.OPENAI
   */
  readonly format?: UpstreamFormat;
}

/** The playbook's three HolySheep AI regions. */
export enum HolySheepRegion {
  /** `https://api.holysheep.ai/v1` (the playbook's primary). */
  ASIA_PACIFIC = 'asia-pacific',
  /** `https://us-api.holysheep.ai/v1`. */
  US = 'us',
  /** `https://eu-api.holysheep.ai/v1`. */
  EU = 'eu',
}

const HOLYSHEEP: Record<HolySheepRegion, { name: string; baseUrl: string }> = {
  [HolySheepRegion.ASIA_PACIFIC]: { name: 'holysheep-ap', baseUrl: 'https://api.holysheep.ai/v1' },
  [HolySheepRegion.US]: { name: 'holysheep-us', baseUrl: 'https://us-api.holysheep.ai/v1' },
  [HolySheepRegion.EU]: { name: 'holysheep-eu', baseUrl: 'https://eu-api.holysheep.ai/v1' },
};

/**
 * One upstream (a provider region, OpenAI-compatible or Anthropic) the proxy fails over
 * between. Create with {@link Upstream.custom} or a preset.
 */
export class Upstream {
  /** Any OpenAI-compatible endpoint. */
  public static custom(props: UpstreamProps): Upstream {
    return new Upstream(props.name, props.baseUrl, props, props.format ?? UpstreamFormat.OPENAI, props);
  }

  /**
   * Anthropic's API (`https://api.anthropic.com/v1`, format
   * `UpstreamFormat.ANTHROPIC`): Messages clients natively, Chat Completions
   * clients by translation, e.g. as the official backup of an
   * OpenAI-compatible primary (map model names with `modelRewrites`).
   */
  public static anthropic(options: AnthropicUpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'anthropic', 'https://api.anthropic.com/v1', options, UpstreamFormat.ANTHROPIC, options);
  }

  /** A HolySheep AI region, as in the playbook. */
  public static holySheep(region: HolySheepRegion, options: UpstreamOptions = {}): Upstream {
    const preset = HOLYSHEEP[region];
    return new Upstream(options.name ?? preset.name, preset.baseUrl, options);
  }

  /** OpenAI (`https://api.openai.com/v1`). */
  public static openAi(options: UpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'openai', 'https://api.openai.com/v1', options);
  }

  /** DeepSeek (`https://api.deepseek.com/v1`). */
  public static deepSeek(options: UpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'deepseek', 'https://api.deepseek.com/v1', options);
  }

  /** Mistral AI (`https://api.mistral.ai/v1`). */
  public static mistral(options: UpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'mistral', 'https://api.mistral.ai/v1', options);
  }

  /** Groq (`https://api.groq.com/openai/v1`). */
  public static groq(options: UpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'groq', 'https://api.groq.com/openai/v1', options);
  }

  /** OpenRouter (`https://openrouter.ai/api/v1`). */
  public static openRouter(options: UpstreamOptions = {}): Upstream {
    return new Upstream(options.name ?? 'openrouter', 'https://openrouter.ai/api/v1', options);
  }

  /** Label in headers, metrics and logs. */
  public readonly name: string;
  /** Base URL including the API version prefix. */
  public readonly baseUrl: string;
  /** Explicit priority, if any (else the list position). */
  public readonly priority?: number;
  /** Weight among upstreams of equal priority. */
  public readonly weight: number;
  /** Connections each proxy pod keeps open to this upstream at most. */
  public readonly maxConnections: number;
  /** Secret key of this upstream's API key, if it differs from the proxy's. */
  public readonly apiKey?: SecretKeyRef;
  /** Models served; empty means every model. */
  public readonly models: string[];
  /** Model name rewrites (client's name → this upstream's name); empty when none. */
  public readonly modelRewrites: { [model: string]: string };
  /** TCP port the proxy connects to (for the NetworkPolicy egress rule). */
  public readonly port: number;
  /** The API the upstream speaks. */
  public readonly format: UpstreamFormat;
  /** `anthropic-version` sent when the client sent none, if set (else the proxy's default). */
  public readonly anthropicVersion?: string;
  /** `max_tokens` for a translated chat request that names none, if set (else the proxy's default, 4096). */
  public readonly defaultMaxTokens?: number;

  private constructor(
    name: string, baseUrl: string, options: UpstreamBaseOptions, format: UpstreamFormat = UpstreamFormat.OPENAI,
    anthropic: AnthropicFormatOptions = {},
  ) {
    const { anthropicVersion, defaultMaxTokens } = anthropic;
    if (!UPSTREAM_NAME.test(name)) {
      throw new Error(`upstream 'name' must be 1-63 characters of a-z, 0-9, "-" or "_", starting and ending with a letter or digit (received "${name}")`);
    }
    if (!isHttpUrl(baseUrl, false)) {
      throw new Error(`upstream '${name}' 'baseUrl' must be an absolute http(s) URL without credentials, query or fragment (received "${redactUserInfo(baseUrl)}")`);
    }
    if (options.priority !== undefined && (!Number.isInteger(options.priority) || options.priority < 0)) {
      throw new Error(`upstream '${name}' 'priority' must be an integer >= 0 (received ${options.priority})`);
    }
    const weight = options.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 1000) {
      throw new Error(`upstream '${name}' 'weight' must be an integer between 1 and 1000 (received ${weight})`);
    }
    const maxConnections = options.maxConnections ?? UPSTREAM_MAX_CONNECTIONS.default;
    if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > UPSTREAM_MAX_CONNECTIONS.max) {
      throw new Error(`upstream '${name}' 'maxConnections' must be an integer between 1 and ${UPSTREAM_MAX_CONNECTIONS.max} (received ${maxConnections})`);
    }
    this.name = name;
    this.baseUrl = baseUrl;
    this.priority = options.priority;
    this.weight = weight;
    this.maxConnections = maxConnections;
    this.apiKey = options.apiKey;
    this.models = [...(options.models ?? [])];
    for (const [from, to] of Object.entries(options.modelRewrites ?? {})) {
      if (from.length === 0 || to.length === 0) {
        throw new Error(`upstream '${name}' 'modelRewrites' must map non-empty model names (received "${from}": "${to}")`);
      }
    }
    this.modelRewrites = { ...(options.modelRewrites ?? {}) };
    this.port = urlPort(baseUrl);
    if (anthropicVersion !== undefined) {
      if (format !== UpstreamFormat.ANTHROPIC) {
        throw new Error(`upstream '${name}' 'anthropicVersion' applies to format UpstreamFormat.ANTHROPIC only (received format ${format} and "${anthropicVersion}")`);
      }
      if (!ANTHROPIC_VERSION.test(anthropicVersion)) {
        throw new Error(`upstream '${name}' 'anthropicVersion' must be a date such as 2023-06-01 (received "${anthropicVersion}")`);
      }
    }
    if (defaultMaxTokens !== undefined) {
      if (format !== UpstreamFormat.ANTHROPIC) {
        throw new Error(`upstream '${name}' 'defaultMaxTokens' applies to format UpstreamFormat.ANTHROPIC only (received format ${format} and ${defaultMaxTokens})`);
      }
      if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
        throw new Error(`upstream '${name}' 'defaultMaxTokens' must be an integer >= 1 (received ${defaultMaxTokens})`);
      }
    }
    this.format = format;
    this.anthropicVersion = anthropicVersion;
    this.defaultMaxTokens = defaultMaxTokens;
  }
}
