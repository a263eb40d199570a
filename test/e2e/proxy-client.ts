/**
 * OpenAI SDK calls against a running proxy pod, returning what the e2e
 * assertions need: status, the failover headers and the content.
 */
import OpenAI from 'openai';
import { HEADERS } from '../../src/contract';

/** Outcome of one completion through the proxy. */
export interface CompletionOutcome {
  readonly status: number;
  readonly upstream: string | null;
  readonly attempts: string | null;
  readonly content: string;
}

/** An OpenAI client for the proxy listening on 127.0.0.1:`port` (no SDK retries, short timeout). */
export function proxyClient(port: number): OpenAI {
  return new OpenAI({ apiKey: 'sk-e2e-client', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 8_000 });
}

/** One non-streamed chat completion. */
export async function chat(client: OpenAI, model = 'deepseek-v3.2'): Promise<CompletionOutcome> {
  const { data, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'ping from the e2e test' }] })
    .withResponse();
  return {
    status: response.status,
    upstream: response.headers.get(HEADERS.upstream),
    attempts: response.headers.get(HEADERS.attempts),
    content: data.choices[0]?.message?.content ?? '',
  };
}

/** One streamed chat completion, read to the end. */
export async function chatStream(client: OpenAI, model = 'deepseek-v3.2'): Promise<CompletionOutcome & { chunks: number }> {
  const { data, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'stream from the e2e test' }], stream: true })
    .withResponse();
  let content = '';
  let chunks = 0;
  for await (const chunk of data) {
    chunks++;
    content += chunk.choices[0]?.delta?.content ?? '';
  }
  return {
    status: response.status,
    upstream: response.headers.get(HEADERS.upstream),
    attempts: response.headers.get(HEADERS.attempts),
    content,
    chunks,
  };
}
