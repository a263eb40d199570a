/**
 * The API formats of the proxy: one adapter per client API (client-formats.ts:
 * Chat Completions, Completions, Embeddings, Models, Responses, Anthropic
 * Messages, count_tokens), each an {@link ApiFormat} the route table hands
 * the request path (api-format.ts).
 *
 * How an upstream of another format serves a client API (translate/, as
 * Envoy AI Gateway's `internal/translator` has one translator per pair):
 * a {@link Translator} (types.ts) is registered for one (client API,
 * upstream wire shape) pair in `translate/index.ts`'s `TRANSLATORS`. For each
 * attempt, `planUpstream` (upstream-plan.ts) sends the body natively when the
 * upstream speaks the client's API, else looks up the pair's translator —
 * none means the upstream is skipped for this request, never counted against
 * it — and calls `request()` (a refusal names the field: 400). The answer is
 * read by the plan's wire shape: a JSON answer goes through `response()`, a
 * stream through the {@link StreamPipeline} (stream-pipeline.ts), which reads
 * each upstream event for hold-back, usage and errors and hands it to the
 * translator's `stream().push()`. Usage is always read from the upstream's own
 * shape (usage.ts), errors are always written in the client's (error-shapes.ts).
 */
export type { ApiFormat, RequestFacts, RequestProblem } from './api-format';
export * from './client-formats';
export { LocalResponseAffinity, type ResponseAffinity } from './response-affinity';
export { StreamPipeline, type StreamPipelineOptions } from './stream-pipeline';
export { SseEventTooLarge, SseScanner } from './sse-scanner';
export type { ClientApi, NormalizedUsage, SseEvent, StreamTranslator, Translator, UpstreamFormat, WireShape } from './types';
export { planUpstream, translatorFor, type UnsupportedPlan, type UpstreamPlan } from './upstream-plan';
export { applyUpstreamAuth } from './upstream-auth';
export { normalizeUsage, usageOfAnswer } from './usage';
