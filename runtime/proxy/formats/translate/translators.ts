import type { Translator } from '../types';
import { anthropicToChatResponse } from './anthropic-to-chat-response';
import { AnthropicToChatStream } from './anthropic-to-chat-stream';
import { chatToAnthropicRequest } from './chat-to-anthropic-request';
import { messagesToOpenAIChatRequest } from './messages-to-openai-chat-request';
import { openAIChatToMessagesResponse } from './openai-chat-to-messages-response';
import { OpenAIChatToMessagesStream } from './openai-chat-to-messages-stream';

/** What the translator pairs need from their surroundings. */
export interface TranslatorOptions {
  /**
   * `max_tokens` for a Chat request to Anthropic that names none, unless the
   * upstream's `defaultMaxTokens` is passed to `request`.
   * @default DEFAULT_ANTHROPIC_MAX_TOKENS (4096)
   */
  readonly defaultMaxTokens?: number;
  /**
   * The clock for Chat's `created` (ms since the epoch).
   * @default Date.now
   */
  readonly now?: () => number;
}

/** A chat request (`/v1/chat/completions`) served by an `anthropic`-format upstream (`POST {baseUrl}/messages`). */
export function chatToAnthropicTranslator(options: TranslatorOptions = {}): Translator {
  const now = options.now ?? Date.now;
  const created = (): number => Math.floor(now() / 1000);
  return {
    client: 'chat',
    upstream: 'messages',
    upstreamPath: 'messages',
    request: (body, upstream) => chatToAnthropicRequest(body, { defaultMaxTokens: upstream?.defaultMaxTokens ?? options.defaultMaxTokens }),
    response: (body, ctx) => anthropicToChatResponse(body, { model: ctx.model, created: created() }),
    stream: (ctx) => new AnthropicToChatStream({ model: ctx.model, includeUsage: ctx.includeUsage, created: created() }),
  };
}

/** A Messages request (`/v1/messages`) served by an `openai`-format upstream (`POST {baseUrl}/chat/completions`). */
export function messagesToOpenAIChatTranslator(): Translator {
  return {
    client: 'messages',
    upstream: 'chat',
    upstreamPath: 'chat/completions',
    request: (body) => messagesToOpenAIChatRequest(body),
    response: (body, ctx) => openAIChatToMessagesResponse(body, { model: ctx.model }),
    stream: (ctx) => new OpenAIChatToMessagesStream({ model: ctx.model }),
  };
}

/** Every supported (client API, upstream wire shape) pair, with the default options. */
export const TRANSLATORS: readonly Translator[] = [chatToAnthropicTranslator(), messagesToOpenAIChatTranslator()];
