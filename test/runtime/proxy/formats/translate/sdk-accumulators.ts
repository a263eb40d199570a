import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { SseScanner } from '../../../../../runtime/proxy/formats/sse-scanner';
import { eventJson } from '../../../../../runtime/proxy/formats/stream-events';
import type { SseEvent, StreamTranslator } from '../../../../../runtime/proxy/formats/types';

/** Client events as the SDKs' `fromReadableStream` reads them: one JSON object a line. */
function ndjson(events: readonly SseEvent[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const lines = events.filter((e) => e.data !== '[DONE]').map((e) => `${e.data}\n`);
  return new ReadableStream({
    start(controller) {
      for (const line of lines) controller.enqueue(encoder.encode(line));
      controller.close();
    },
  });
}

/** The answer the `@anthropic-ai/sdk` MessageStream accumulates from Messages stream events. */
export async function anthropicSdkMessage(events: readonly SseEvent[]): Promise<Message> {
  return MessageStream.fromReadableStream(ndjson(events)).finalMessage();
}

/** The answer the `openai` SDK's ChatCompletionStream accumulates from chat chunks. */
export async function openAISdkCompletion(events: readonly SseEvent[]): Promise<ChatCompletion> {
  return ChatCompletionStream.fromReadableStream(ndjson(events)).finalChatCompletion();
}

/**
 * Runs an upstream SSE text through the scanner (in the given pieces) and a
 * stream translator, as the relay does, and returns the client events.
 */
export function translateWire(translator: StreamTranslator, pieces: readonly (string | Buffer)[]): SseEvent[] {
  const scanner = new SseScanner(1_048_576);
  const out: SseEvent[] = [];
  for (const piece of pieces) {
    for (const event of scanner.push(piece)) out.push(...translator.push(event, eventJson(event)));
  }
  const last = scanner.flush();
  if (last) out.push(...translator.push(last, eventJson(last)));
  out.push(...translator.end());
  return out;
}

/** An SSE text's bytes cut in two at byte `at` (in the middle of anything: a line, a JSON string, a UTF-8 character, a terminator). */
export function cutAt(bytes: Buffer, at: number): Buffer[] {
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

/** Wire text of events as an upstream sends them. */
export function wire(events: readonly SseEvent[]): string {
  return events.map((e) => `${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${e.data}\n\n`).join('');
}
