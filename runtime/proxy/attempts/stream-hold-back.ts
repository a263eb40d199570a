import type { AttemptOutcome } from '../../events';
import type { Exchange } from '../exchange';
import { SseEventTooLarge } from '../formats/sse-scanner';
import { StreamPipeline } from '../formats/stream-pipeline';
import type { UpstreamPlan } from '../formats/upstream-plan';

/**
 * The most lifecycle events held back before the stream is committed
 * anyway: enough for every provider's opening (`response.created`,
 * `response.in_progress`, `output_item.added`, `content_part.added`;
 * `message_start`, `content_block_start`, `ping`), small enough that a
 * stream of nothing but keep-alives still starts.
 */
export const HOLD_BACK_MAX_EVENTS = 32;
/** The most bytes held back before the stream is committed anyway. */
export const HOLD_BACK_MAX_BYTES = 256 * 1024;

/** A stream held back until its first content: the pipeline (state, usage) and the client's text so far. */
export interface HeldStream {
  readonly pipeline: StreamPipeline;
  /** The client's text of the events read so far (written once the stream commits). */
  readonly held: string;
  /** The upstream already ended (the whole answer was held). */
  readonly ended: boolean;
}

/** Why a held-back stream failed before any content: it fails over with nothing sent. */
export type HoldBackResult =
  | { readonly kind: 'held'; readonly stream: HeldStream }
  | { readonly kind: 'failed'; readonly outcome: Exclude<AttemptOutcome, 'success'> | 'broken'; readonly error?: unknown };

/**
 * Reads an upstream stream until real content (text, a tool call, a
 * refusal, or the end of the answer) and holds back the lifecycle events
 * that come before it (a role-only chunk, `response.created`,
 * `message_start`), so that a failure right after them still fails over to
 * the next upstream with nothing sent to the client: an error event inside
 * the 200 stream (`server_error`), a break or timeout (`broken`, classified
 * by the caller), an event over `limits.maxStreamEventBytes` (`server_error`),
 * or a stream that ends with no content (`connection_error`). Bounded by
 * {@link HOLD_BACK_MAX_EVENTS}, {@link HOLD_BACK_MAX_BYTES} and the caller's
 * `firstTokenSeconds` timer.
 */
export async function holdBack(
  x: Exchange,
  plan: UpstreamPlan,
  iterator: AsyncIterator<Buffer>,
  parsed: Readonly<Record<string, unknown>> | undefined,
): Promise<HoldBackResult> {
  const options = parsed?.stream_options as { include_usage?: unknown } | undefined;
  const redactor = x.services.redactor();
  const pipeline = new StreamPipeline({
    client: x.route.format.api,
    wire: plan.wire,
    translator: plan.translator,
    context: { model: x.model, includeUsage: options?.include_usage === true },
    stripUsage: plan.stripUsage,
    maxEventBytes: x.config.limits.maxStreamEventBytes,
    // only scanned when the proxy has secrets to hide
    redactor: redactor.empty ? undefined : redactor,
  });
  let held = '';
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) {
        held += pipeline.finish();
        if (pipeline.upstreamError !== undefined) return { kind: 'failed', outcome: 'server_error' };
        // a stream that ends before any content sent nothing yet: fail over, never an empty 200
        if (!pipeline.contentSeen) return { kind: 'failed', outcome: 'connection_error' };
        return { kind: 'held', stream: { pipeline, held, ended: true } };
      }
      held += pipeline.push(step.value);
      if (pipeline.upstreamError !== undefined) return { kind: 'failed', outcome: 'server_error' };
      if (pipeline.contentSeen || pipeline.eventsRead >= HOLD_BACK_MAX_EVENTS || held.length >= HOLD_BACK_MAX_BYTES) {
        return { kind: 'held', stream: { pipeline, held, ended: false } };
      }
    }
  } catch (error) {
    if (error instanceof SseEventTooLarge) return { kind: 'failed', outcome: 'server_error', error };
    return { kind: 'failed', outcome: 'broken', error };
  }
}
