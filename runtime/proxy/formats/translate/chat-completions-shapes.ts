/**
 * The parts of the OpenAI Chat Completions API the translators read and
 * write (https://platform.openai.com/docs/api-reference/chat). Wire shapes:
 * snake_case as on the wire, every field optional where the API allows it.
 */

/** A content part of a user, system, developer or tool message. */
export type ChatContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string; readonly detail?: string } }
  | { readonly type: 'file'; readonly file: { readonly file_data?: string; readonly file_id?: string; readonly filename?: string } }
  | { readonly type: 'input_audio'; readonly input_audio: unknown }
  | { readonly type: 'refusal'; readonly refusal: string };

/** One tool call of an assistant message (`arguments` is JSON text). */
export interface ChatToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** One message of `messages[]`. */
export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  readonly content?: string | readonly ChatContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ChatToolCall[];
  readonly tool_call_id?: string;
  readonly refusal?: string | null;
}

/** A function tool (`tools[]`). */
export interface ChatTool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: Record<string, unknown>;
    readonly strict?: boolean | null;
  };
}

/** `tool_choice`: a mode or one named function. */
export type ChatToolChoice = 'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

/** The request fields the translators map (the rest are governed by the field table). */
export interface ChatRequest {
  readonly model?: string;
  readonly messages: readonly ChatMessage[];
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly top_k?: number | null;
  readonly stop?: string | readonly string[] | null;
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean } | null;
  readonly tools?: readonly ChatTool[];
  readonly tool_choice?: ChatToolChoice;
  readonly parallel_tool_calls?: boolean | null;
  readonly user?: string;
  readonly safety_identifier?: string;
}

/** `usage` of an answer or of the last stream chunk. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: { readonly cached_tokens?: number; readonly cache_write_tokens?: number };
  readonly completion_tokens_details?: { readonly reasoning_tokens?: number };
}

/** `finish_reason` of a choice. */
export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** A non-streamed answer (`object: chat.completion`). */
export interface ChatCompletion {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly message: {
      readonly role: 'assistant';
      readonly content: string | null;
      readonly refusal?: string | null;
      readonly tool_calls?: readonly ChatToolCall[];
    };
    readonly logprobs?: null;
    readonly finish_reason: ChatFinishReason | null;
  }[];
  readonly usage?: ChatUsage;
}

/** One tool-call fragment of a stream delta: `index` says which call it continues. */
export interface ChatToolCallDelta {
  readonly index?: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

/** One stream chunk (`object: chat.completion.chunk`). */
export interface ChatCompletionChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly delta: {
      readonly role?: 'assistant';
      readonly content?: string | null;
      readonly refusal?: string | null;
      readonly tool_calls?: readonly ChatToolCallDelta[];
    };
    readonly logprobs?: null;
    readonly finish_reason: ChatFinishReason | null;
  }[];
  readonly usage?: ChatUsage | null;
}
