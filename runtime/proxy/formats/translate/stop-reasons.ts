import type { AnthropicStopReason } from './anthropic-messages-shapes';
import type { ChatFinishReason } from './chat-completions-shapes';

/** Anthropic `stop_reason` → Chat `finish_reason` (an unknown reason becomes `stop`). */
export const FINISH_REASON_OF_STOP_REASON: Readonly<Record<AnthropicStopReason, ChatFinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Chat `finish_reason` → Anthropic `stop_reason` (an unknown reason becomes `end_turn`). */
export const STOP_REASON_OF_FINISH_REASON: Readonly<Record<ChatFinishReason, AnthropicStopReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** The Chat `finish_reason` of an Anthropic `stop_reason`. */
export function finishReasonOf(stopReason: unknown): ChatFinishReason {
  return typeof stopReason === 'string' && Object.hasOwn(FINISH_REASON_OF_STOP_REASON, stopReason)
    ? FINISH_REASON_OF_STOP_REASON[stopReason as AnthropicStopReason]
    : 'stop';
}

/** The Anthropic `stop_reason` of a Chat `finish_reason`. */
export function stopReasonOf(finishReason: unknown): AnthropicStopReason {
  return typeof finishReason === 'string' && Object.hasOwn(STOP_REASON_OF_FINISH_REASON, finishReason)
    ? STOP_REASON_OF_FINISH_REASON[finishReason as ChatFinishReason]
    : 'end_turn';
}

/** The mapping as README text, e.g. `end_turn`, `stop_sequence` → `stop`. */
export function describeReasons(map: Readonly<Record<string, string>>): string {
  const byTarget = new Map<string, string[]>();
  for (const [from, to] of Object.entries(map)) byTarget.set(to, [...(byTarget.get(to) ?? []), `\`${from}\``]);
  return [...byTarget].map(([to, froms]) => `${froms.join(', ')} → \`${to}\``).join('; ');
}
