import { describe, expect, it } from 'vitest';
import { chatToAnthropicRequest } from '../../../../../runtime/proxy/formats/translate/chat-to-anthropic-request';
import { TRANSLATORS } from '../../../../../runtime/proxy/formats/translate/translators';
import type { JsonObject, RequestRefusal, TranslatedRequest } from '../../../../../runtime/proxy/formats/types';

function translated(body: JsonObject, options = {}): TranslatedRequest {
  const result = chatToAnthropicRequest(body, options);
  if (result.kind !== 'translated') throw new Error(`refused: ${result.message}`);
  return result;
}

function refused(body: JsonObject): RequestRefusal {
  const result = chatToAnthropicRequest(body);
  if (result.kind !== 'refused') throw new Error(`translated: ${JSON.stringify(result.body)}`);
  return result;
}

const user = (content: unknown) => ({ role: 'user', content });

describe('a Chat Completions request translated for an anthropic-format upstream', () => {
  it.each<[string, JsonObject, Record<string, unknown>]>([
    ['system and developer messages become the system blocks, in order',
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] }, user('Hi')] },
      { system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }], messages: [{ role: 'user', content: 'Hi' }] }],
    ['max_completion_tokens wins over max_tokens',
      { max_completion_tokens: 300, max_tokens: 100, messages: [user('Hi')] }, { max_tokens: 300 }],
    ['max_tokens is used when max_completion_tokens is absent',
      { max_tokens: 100, messages: [user('Hi')] }, { max_tokens: 100 }],
    ['no token limit gets the default 4096 (Anthropic requires one)',
      { messages: [user('Hi')] }, { max_tokens: 4096 }],
    ['temperature, top_p and top_k pass through',
      { temperature: 0.2, top_p: 0.9, top_k: 40, messages: [user('Hi')] }, { temperature: 0.2, top_p: 0.9, top_k: 40 }],
    ['a stop string becomes a list of one stop sequence',
      { stop: 'END', messages: [user('Hi')] }, { stop_sequences: ['END'] }],
    ['a stop list becomes the stop sequences',
      { stop: ['END', '###'], messages: [user('Hi')] }, { stop_sequences: ['END', '###'] }],
    ['stream is kept; stream_options is the translated stream\'s business',
      { stream: true, stream_options: { include_usage: true }, messages: [user('Hi')] }, { stream: true }],
    ['user becomes metadata.user_id',
      { user: 'user-42', messages: [user('Hi')] }, { metadata: { user_id: 'user-42' } }],
    ['safety_identifier becomes metadata.user_id when user is absent',
      { safety_identifier: 'sid-7', messages: [user('Hi')] }, { metadata: { user_id: 'sid-7' } }],
  ])('%s', (_title, body, expected) => {
    // GIVEN a chat request / WHEN it is translated
    const out = translated({ model: 'claude-sonnet-4-5', ...body }).body;
    // THEN the Anthropic request has these fields
    expect(out).toMatchObject({ model: 'claude-sonnet-4-5', ...expected });
    expect(out).not.toHaveProperty('stream_options');
  });

  it('turns images given as data URLs and http URLs into base64 and url image sources', () => {
    // GIVEN a user message with text and two images
    const body = {
      messages: [user([
        { type: 'text', text: 'What differs?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      ])],
    };
    // WHEN it is translated
    const result = translated(body);
    // THEN the blocks carry the two kinds of source, and the detail is a dropped field
    expect(result.body.messages).toEqual([{
      role: 'user',
      content: [
        { type: 'text', text: 'What differs?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ],
    }]);
    expect(result.dropped).toEqual(['messages[0].content[1].image_url.detail']);
  });

  it('turns a PDF file part into a base64 document block', () => {
    // GIVEN a PDF sent inline
    const body = { messages: [user([{ type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }])] };
    // WHEN / THEN
    expect(translated(body).body.messages).toEqual([{
      role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'report.pdf' }],
    }]);
  });

  it('turns a tool-calling exchange into tool_use blocks and one user turn of tool_result blocks', () => {
    // GIVEN an assistant turn with two tool calls, their two results, then a user follow-up
    const body = {
      messages: [
        user('Weather and time in Paris?'),
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:05' }] },
        user('And tomorrow?'),
      ],
    };
    // WHEN it is translated
    const out = translated(body).body;
    // THEN the calls are tool_use blocks (arguments parsed), and the results share one user turn, first
    expect(out.messages).toEqual([
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '14:05' }] },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('merges consecutive turns of one role (Anthropic alternates user and assistant)', () => {
    // GIVEN two user messages in a row
    const out = translated({ messages: [user('first'), user([{ type: 'text', text: 'second' }])] }).body;
    // THEN one user turn holds both
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] }]);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['auto', { tool_choice: 'auto' }, { tool_choice: { type: 'auto' } }],
    ['none', { tool_choice: 'none' }, { tool_choice: { type: 'none' } }],
    ['required becomes any', { tool_choice: 'required' }, { tool_choice: { type: 'any' } }],
    ['a named function becomes tool', { tool_choice: { type: 'function', function: { name: 'get_weather' } } }, { tool_choice: { type: 'tool', name: 'get_weather' } }],
    ['parallel_tool_calls false disables parallel tool use', { parallel_tool_calls: false }, { tool_choice: { type: 'auto', disable_parallel_tool_use: true } }],
    ['parallel_tool_calls false with required', { tool_choice: 'required', parallel_tool_calls: false }, { tool_choice: { type: 'any', disable_parallel_tool_use: true } }],
  ])('maps tool_choice: %s', (_title, fields, expected) => {
    // GIVEN a function tool and a choice
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } }];
    // WHEN translated
    const result = translated({ messages: [user('Hi')], tools, ...fields });
    // THEN the tool has an input_schema and the choice is Anthropic's
    expect(result.body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      ...expected,
    });
    expect(result.dropped).toContain('tools[0].function.strict');
  });

  it('gives a tool without parameters an empty object schema, and leaves tool_choice out without tools', () => {
    const out = translated({ messages: [user('Hi')], tools: [{ type: 'function', function: { name: 'ping' } }] }).body;
    expect(out.tools).toEqual([{ name: 'ping', input_schema: { type: 'object', properties: {} } }]);
    expect(translated({ messages: [user('Hi')], tool_choice: 'none' }).body).not.toHaveProperty('tool_choice');
  });

  it.each<[string, JsonObject, string, RegExp]>([
    ['n above 1', { n: 2 }, 'n', /^n \(2\) cannot be sent to an anthropic-format upstream: Anthropic returns one choice per request$/],
    ['logprobs', { logprobs: true }, 'logprobs', /log probabilities/],
    ['top_logprobs', { top_logprobs: 3 }, 'top_logprobs', /log probabilities/],
    ['a JSON schema response format', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }, 'response_format', /no JSON mode/],
    ['JSON mode', { response_format: { type: 'json_object' } }, 'response_format', /no JSON mode/],
    ['audio output', { modalities: ['text', 'audio'] }, 'modalities', /text only/],
    ['temperature above 1', { temperature: 1.5 }, 'temperature', /^temperature \(1\.5\) cannot be sent to an anthropic-format upstream: the Anthropic Messages API takes at most 1$/],
    ['deprecated functions', { functions: [{ name: 'f' }] }, 'functions', /send `tools`/],
    ['web search options', { web_search_options: {} }, 'web_search_options', /web search/],
  ])('refuses %s, naming the field', (_title, fields, field, message) => {
    // GIVEN a request with a field Anthropic cannot honour / WHEN translated
    const refusal = refused({ messages: [user('Hi')], ...fields });
    // THEN it is refused, naming the field and the value
    expect(refusal.field).toBe(field);
    expect(refusal.message).toMatch(message);
  });

  it.each<[string, JsonObject, string, RegExp]>([
    ['an audio input part', { messages: [user([{ type: 'input_audio', input_audio: { data: 'AAA=', format: 'wav' } }])] }, 'messages[0].content[0]', /no audio input/],
    ['an OpenAI file id', { messages: [user([{ type: 'file', file: { file_id: 'file-abc' } }])] }, 'messages[0].content[0].file.file_id', /file ids/],
    ['an image type Anthropic does not take', { messages: [user([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }])] }, 'messages[0].content[0].image_url.url', /image\/jpeg, image\/png, image\/gif, image\/webp/],
    ['a deprecated function message', { messages: [user('Hi'), { role: 'function', name: 'f', content: '1' }] }, 'messages[1].role', /role: tool/],
    ['a custom tool', { messages: [user('Hi')], tools: [{ type: 'custom', custom: { name: 'grammar' } }] }, 'tools[0].type', /function tools/],
    ['tool call arguments that are not JSON', { messages: [user('Hi'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }, 'messages[1].tool_calls[0].function.arguments', /must be valid JSON/],
    ['an empty message list', { messages: [] }, 'messages', /must be a non-empty list of messages, received \[\]/],
    ['an unknown role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /must be one of system, developer, user, assistant, tool, received "robot"/],
  ])('refuses %s, naming the field', (_title, body, field, message) => {
    const refusal = refused(body);
    expect(refusal.field).toBe(field);
    expect(refusal.message).toMatch(message);
  });

  it('drops, and lists for the debug log, the fields that do not change the answer', () => {
    // GIVEN sampling hints, OpenAI-only settings, a message name, and the defaults of refusable fields
    const body = {
      messages: [{ role: 'user', name: 'alice', content: 'Hi' }],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.1,
      logit_bias: { 50256: -100 },
      store: true,
      metadata: { app: 'x' },
      service_tier: 'auto',
      n: 1,
      logprobs: false,
      response_format: { type: 'text' },
      x_vendor_extension: true,
    };
    // WHEN translated
    const result = translated(body);
    // THEN none of them reaches Anthropic, and each is named once
    expect(Object.keys(result.body).sort()).toEqual(['max_tokens', 'messages']);
    expect([...result.dropped].sort()).toEqual([
      'frequency_penalty', 'logit_bias', 'logprobs', 'messages[0].name', 'metadata', 'n', 'presence_penalty', 'response_format', 'seed', 'service_tier', 'store', 'x_vendor_extension',
    ]);
  });

  it('keeps an assistant refusal from an earlier turn as text', () => {
    const out = translated({ messages: [user('Hi'), { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, user('Why?')] }).body;
    expect(out.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot help with that.' }] },
      { role: 'user', content: 'Why?' },
    ]);
  });
});

describe('a Chat Completions file part for an anthropic-format upstream', () => {
  it('is refused naming its media type when it is not a PDF', () => {
    const result = chatToAnthropicRequest({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:text/csv;base64,YSxi' } }] }] });
    expect(result).toEqual({
      kind: 'refused',
      field: 'messages[0].content[0].file.file_data',
      message: 'messages[0].content[0].file.file_data (data:text/csv) cannot be sent to an anthropic-format upstream: Anthropic takes a PDF as a base64 data: URL',
    });
  });
});

describe('the max_tokens of a chat request that names none', () => {
  it('is the upstream\'s defaultMaxTokens when the plan passes it, else 4096', () => {
    // GIVEN the chat → anthropic pair and a request without a token limit
    const [chatToAnthropic] = TRANSLATORS;
    const body = { messages: [user('Hi')] };
    // WHEN translated with and without the upstream's setting / THEN
    expect(chatToAnthropic.request(body, { defaultMaxTokens: 16_000 })).toMatchObject({ body: { max_tokens: 16_000 } });
    expect(chatToAnthropic.request(body)).toMatchObject({ body: { max_tokens: 4096 } });
    expect(chatToAnthropic.request({ ...body, max_tokens: 12 }, { defaultMaxTokens: 16_000 })).toMatchObject({ body: { max_tokens: 12 } });
  });
});
