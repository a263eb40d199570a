/**
 * The parts of the Anthropic Messages API the translators read and write
 * (https://docs.anthropic.com/en/api/messages, .../messages-streaming).
 * Wire shapes, snake_case as on the wire.
 */

/** Where an image or document comes from. */
export type AnthropicSource =
  | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
  | { readonly type: 'url'; readonly url: string }
  | { readonly type: 'text'; readonly media_type: string; readonly data: string }
  | { readonly type: 'file'; readonly file_id: string };

/** A text block (system, user, assistant, tool result). */
export interface AnthropicTextBlock {
  readonly type: 'text';
  readonly text: string;
}

/** A tool call by the assistant (`input` is the parsed arguments). */
export interface AnthropicToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** The result of a tool call, sent in a user turn. */
export interface AnthropicToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  readonly content?: string | readonly AnthropicContentBlock[];
  readonly is_error?: boolean;
}

/** Any content block of a request message. */
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | { readonly type: 'image'; readonly source: AnthropicSource }
  | { readonly type: 'document'; readonly source: AnthropicSource; readonly title?: string }
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature?: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/** One message of `messages[]` (user and assistant turns only). */
export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly AnthropicContentBlock[];
}

/** A client tool (`tools[]`); server tools carry a versioned `type` instead. */
export interface AnthropicTool {
  readonly type?: string;
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Record<string, unknown>;
}

/** `tool_choice`. */
export interface AnthropicToolChoice {
  readonly type: 'auto' | 'any' | 'tool' | 'none';
  readonly name?: string;
  readonly disable_parallel_tool_use?: boolean;
}

/** The request fields the translators map (the rest are governed by the field table). */
export interface AnthropicRequest {
  readonly model?: string;
  readonly max_tokens: number;
  readonly messages: readonly AnthropicMessage[];
  readonly system?: string | readonly AnthropicTextBlock[];
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly stop_sequences?: readonly string[];
  readonly stream?: boolean;
  readonly tools?: readonly AnthropicTool[];
  readonly tool_choice?: AnthropicToolChoice;
  readonly metadata?: { readonly user_id?: string };
}

/** `usage`: `input_tokens` excludes the cache reads and writes counted beside it. */
export interface AnthropicUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

/** `stop_reason` of an answer. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** A non-streamed answer (`type: message`). */
export interface AnthropicResponse {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly model: string;
  readonly content: readonly AnthropicContentBlock[];
  readonly stop_reason: AnthropicStopReason | null;
  readonly stop_sequence: string | null;
  readonly usage: AnthropicUsage;
}
