import { TRANSLATORS } from './translate';
import type { ClientApi, JsonObject, RequestRefusal, Translator, UpstreamFormat, WireShape } from './types';

/** The upstream format that serves a client API natively. */
export function nativeFormatOf(api: ClientApi): UpstreamFormat {
  return api === 'messages' || api === 'count_tokens' ? 'anthropic' : 'openai';
}

/** The wire shape an upstream of `format` answers in natively. */
export function nativeShapeOf(format: UpstreamFormat): WireShape {
  return format === 'anthropic' ? 'messages' : 'chat';
}

/** The translator for a client API served by an upstream of `format`, if the pair is supported. */
export function translatorFor(client: ClientApi, format: UpstreamFormat, translators: readonly Translator[] = TRANSLATORS): Translator | undefined {
  const shape = nativeShapeOf(format);
  return translators.find((t) => t.client === client && t.upstream === shape);
}

/** What one upstream is sent for a request. */
export interface UpstreamPlan {
  readonly kind: 'plan';
  /** Path under the upstream's base URL. */
  readonly subPath: string;
  readonly body: Buffer | undefined;
  /** The shape the upstream answers in. */
  readonly wire: WireShape;
  /** Set when the upstream speaks another format than the client. */
  readonly translator?: Translator;
  /** Chat pass-through: the proxy asked for usage the client did not (drop the usage-only chunk). */
  readonly stripUsage: boolean;
  /** Client fields the translation dropped (logged at debug). */
  readonly dropped: readonly string[];
}

/** The upstream cannot serve this API (no translator for the pair): skipped, never counted against it. */
export interface UnsupportedPlan {
  readonly kind: 'unsupported';
  readonly reason: string;
}

/** What an upstream needs to know to plan a request for it. */
export interface PlanTarget {
  readonly name: string;
  readonly format: UpstreamFormat;
  readonly modelRewrites: Readonly<Record<string, string>>;
  readonly includeUsage: boolean;
  /** `anthropic` upstreams: `max_tokens` for a translated chat request that names none. */
  readonly defaultMaxTokens?: number;
}

/** Asks an OpenAI chat/completions stream for usage; true when the client had not asked. */
function askForUsage(body: JsonObject): boolean {
  const options = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as JsonObject) : {};
  if (options.include_usage === true) return false;
  body.stream_options = { ...options, include_usage: true };
  return true;
}

/**
 * Plans the request one upstream gets: the client's body with the model
 * rewritten (own properties only: a client model named `constructor` must not
 * hit Object.prototype), sent natively when the upstream speaks the client's
 * API, else translated by the pair's translator (or `unsupported` when there
 * is none, or the translator's refusal). OpenAI chat and completions streams
 * ask for `stream_options.include_usage` so they can be priced.
 */
export function planUpstream(
  api: ClientApi,
  subPath: string,
  target: PlanTarget,
  parsed: JsonObject | undefined,
  stream: boolean,
  translators: readonly Translator[] = TRANSLATORS,
): UpstreamPlan | UnsupportedPlan | RequestRefusal {
  const native = nativeFormatOf(api) === target.format;
  const translator = native ? undefined : translatorFor(api, target.format, translators);
  if (!native && !translator) {
    return { kind: 'unsupported', reason: `upstream ${target.name} speaks ${target.format}, which does not serve ${api}` };
  }
  if (!parsed) return { kind: 'plan', subPath, body: undefined, wire: api, stripUsage: false, dropped: [] };
  let body: JsonObject = { ...parsed };
  if (typeof body.model === 'string' && Object.hasOwn(target.modelRewrites, body.model)) {
    body.model = target.modelRewrites[body.model];
  }
  let dropped: readonly string[] = [];
  let wire: WireShape = api;
  let path = subPath;
  if (translator) {
    const translated = translator.request(body, { defaultMaxTokens: target.defaultMaxTokens });
    if (translated.kind === 'refused') return translated;
    body = { ...translated.body };
    dropped = translated.dropped;
    wire = translator.upstream;
    path = translator.upstreamPath;
  }
  let stripUsage = false;
  if (stream && (wire === 'chat' || wire === 'completions')) {
    // a translated stream is always priced (the client never sees the usage chunk as such)
    if (translator) askForUsage(body);
    else if (target.includeUsage) stripUsage = askForUsage(body);
  }
  return { kind: 'plan', subPath: path, body: Buffer.from(JSON.stringify(body)), wire, translator, stripUsage, dropped };
}
