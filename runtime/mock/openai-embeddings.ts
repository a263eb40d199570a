/**
 * `POST /v1/embeddings` of the mock, shaped like OpenAI's: one unit-length
 * vector per input (a string, an array of strings, an array of token ids or
 * an array of those), the same vector for the same input, `dimensions`
 * honoured, and `encoding_format: "base64"` (what the Node `openai` SDK asks
 * for) answered as little-endian float32 bytes in base64.
 */
import { createHash } from 'node:crypto';
import { badRequest, jsonReply, type MockExchange, type MockReply, type MockRoute } from './mock-reply';
import { mockTokens } from './openai-usage';

/** Native vector length of OpenAI's embedding models. */
const MODEL_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
/** Most inputs in one request (OpenAI's limit). */
const MAX_INPUTS = 2048;

/** The inputs of a request, each as the text it is embedded from; or a message naming what is wrong. */
export function embeddingInputs(input: unknown): string[] | string {
  const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t) && (t as number) >= 0);
  if (typeof input === 'string') return input === '' ? "'input' must not be empty" : [input];
  if (isTokens(input)) return [input.join(' ')];
  if (Array.isArray(input) && input.length > 0 && input.length <= MAX_INPUTS) {
    const texts = input.map((item) => (typeof item === 'string' && item !== '' ? item : isTokens(item) ? item.join(' ') : undefined));
    if (texts.every((t): t is string => t !== undefined)) return texts;
  }
  return `'input' must be a non-empty string, an array of 1-${MAX_INPUTS} non-empty strings, or token arrays (received ${JSON.stringify(input)?.slice(0, 80)})`;
}

/** Deterministic unit vector of `length` for `text`. */
export function mockVector(text: string, length: number): Float32Array {
  const vector = new Float32Array(length);
  let block = Buffer.alloc(0);
  for (let i = 0; i < length; i++) {
    const offset = (i * 4) % 32;
    if (offset === 0) block = createHash('sha256').update(`${text}\u0000${i}`).digest();
    vector[i] = block.readUInt32LE(offset) / 0xffffffff - 0.5;
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  for (let i = 0; i < length; i++) vector[i] /= norm;
  return vector;
}

function answer({ body, mock }: MockExchange): MockReply {
  const model = typeof body.model === 'string' ? body.model : undefined;
  if (model === undefined) return badRequest('model', 'you must provide a model parameter');
  const inputs = embeddingInputs(body.input);
  if (typeof inputs === 'string') return badRequest('input', inputs);
  const dimensions = body.dimensions ?? MODEL_DIMENSIONS[model] ?? mock.embeddingDimensions;
  if (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 8192) {
    return badRequest('dimensions', `'dimensions' must be an integer 1-8192 (received ${JSON.stringify(body.dimensions)})`);
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return badRequest('encoding_format', `'encoding_format' must be "float" or "base64" (received ${JSON.stringify(format)})`);
  }
  const promptTokens = inputs.reduce((sum, text) => sum + mockTokens(text), 0);
  return jsonReply(200, {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = mockVector(text, dimensions as number);
      return {
        object: 'embedding',
        index,
        embedding: format === 'base64' ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector),
      };
    }),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** The embeddings route. */
export const embeddingsRoute: MockRoute = { method: 'POST', path: '/embeddings', readsJson: true, answer };
