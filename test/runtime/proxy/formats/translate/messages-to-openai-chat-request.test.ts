import { describe, expect, it } from 'vitest';
import { messagesToOpenAIChatRequest } from '../../../../../runtime/proxy/formats/translate/messages-to-openai-chat-request';
import type { JsonObject, RequestRefusal, TranslatedRequest } from '../../../../../runtime/proxy/formats/types';

function translated(body: JsonObject): TranslatedRequest {
  const result = messagesToOpenAIChatRequest({ max_tokens: 1024, ...body });
  if (result.kind !== 'translated') throw new Error(`refused: ${result.message}`);
  return result;
}

function refused(body: JsonObject): RequestRefusal {
  const result = messagesToOpenAIChatRequest({ max_tokens: 1024, ...body });
  if (result.kind !== 'refused') throw new Error(`translated: ${JSON.stringify(result.body)}`);
  return result;
}

const user = (content: unknown) => ({ role: 'user', content });

describe('an Anthropic Messages request translated for an openai-format upstream', () => {
  it.each<[string, JsonObject, Record<string, unknown>]>([
    ['a system string becomes the first message',
      { system: 'Be brief.', messages: [user('Hi')] },
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }],
    ['system blocks become one system message each, cache hints dropped',
      { system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B', cache_control: { type: 'ephemeral' } }], messages: [user('Hi')] },
      { messages: [{ role: 'system', content: 'A' }, { role: 'system', content: 'B' }, { role: 'user', content: 'Hi' }] }],
    ['max_tokens, temperature and top_p pass through',
      { max_tokens: 256, temperature: 0.3, top_p: 0.8, messages: [user('Hi')] }, { max_tokens: 256, temperature: 0.3, top_p: 0.8 }],
    ['stop_sequences become stop',
      { stop_sequences: ['\n\nHuman:'], messages: [user('Hi')] }, { stop: ['\n\nHuman:'] }],
    ['a stream asks for usage (Anthropic streams always report it)',
      { stream: true, messages: [user('Hi')] }, { stream: true, stream_options: { include_usage: true } }],
    ['metadata.user_id becomes user',
      { metadata: { user_id: 'u-1' }, messages: [user('Hi')] }, { user: 'u-1' }],
  ])('%s', (_title, body, expected) => {
    // GIVEN a Messages request / WHEN translated / THEN the chat request has these fields
    expect(translated({ model: 'claude-sonnet-4-5', ...body }).body).toMatchObject({ model: 'claude-sonnet-4-5', ...expected });
  });

  it('turns base64 and url image sources into data URLs and URLs, and a PDF into a file part', () => {
    const out = translated({
      messages: [user([
        { type: 'text', text: 'Compare' },
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes' } },
      ])],
    }).body;
    expect(out.messages).toEqual([{
      role: 'user',
      content: [
        { type: 'text', text: 'Compare' },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        { type: 'text', text: 'plain notes' },
      ],
    }]);
  });

  it('turns tool_use blocks into tool_calls and tool_result blocks into tool messages placed before the rest of the turn', () => {
    // GIVEN an assistant turn with thinking, text and two tool calls; then a user turn with their results and a question
    const result = translated({
      messages: [
        user('Weather and time?'),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'two tools', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        user([
          { type: 'text', text: 'Also, tomorrow?' },
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '14:05' }], is_error: false },
        ]),
      ],
    });
    // THEN
    expect(result.body.messages).toEqual([
      { role: 'user', content: 'Weather and time?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '14:05' }] },
      { role: 'user', content: [{ type: 'text', text: 'Also, tomorrow?' }] },
    ]);
    expect(result.dropped).toEqual(['messages[1].content[0]', 'messages[2].content[2].is_error']);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['auto', { type: 'auto' }, { tool_choice: 'auto' }],
    ['any becomes required', { type: 'any' }, { tool_choice: 'required' }],
    ['tool becomes a named function', { type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
    ['none', { type: 'none' }, { tool_choice: 'none' }],
    ['disable_parallel_tool_use becomes parallel_tool_calls false', { type: 'auto', disable_parallel_tool_use: true }, { tool_choice: 'auto', parallel_tool_calls: false }],
  ])('maps tool_choice: %s', (_title, choice, expected) => {
    const result = translated({
      messages: [user('Hi')],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }],
      tool_choice: choice,
    });
    expect(result.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      ...expected,
    });
    expect(result.dropped).toEqual(['tools[0].cache_control']);
  });

  it.each<[string, JsonObject, string, RegExp]>([
    ['a server tool', { messages: [user('Hi')], tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] }, 'tools[0].type', /^tools\[0\]\.type \(web_search_20250305\) cannot be sent to an openai-format upstream: server tools/],
    ['an MCP server', { messages: [user('Hi')], mcp_servers: [{ type: 'url', url: 'https://mcp.example.com' }] }, 'mcp_servers', /MCP servers/],
    ['a container', { messages: [user('Hi')], container: 'container_1' }, 'container', /containers/],
    ['an image in a tool result', { messages: [user([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } }] }])] }, 'messages[0].content[0].content[0]', /text only/],
    ['a Files API source', { messages: [user([{ type: 'image', source: { type: 'file', file_id: 'file_011' } }])] }, 'messages[0].content[0].source.file_id', /file ids/],
    ['a document by URL', { messages: [user([{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }])] }, 'messages[0].content[0].source.url', /inline only/],
    ['a server tool result block', { messages: [user('Hi'), { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }] }, 'messages[1].content[0].type', /server tool blocks/],
    ['a missing max_tokens', { max_tokens: undefined, messages: [user('Hi')] }, 'max_tokens', /^max_tokens must be a positive integer, received undefined$/],
    ['a system role inside messages', { messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role', /must be user or assistant, received "system"/],
  ])('refuses %s, naming the field', (_title, body, field, message) => {
    const refusal = refused(body);
    expect(refusal.field).toBe(field);
    expect(refusal.message).toMatch(message);
  });

  it('drops, and lists for the debug log, the fields that do not change the answer', () => {
    const result = translated({
      messages: [user('Hi')], top_k: 5, thinking: { type: 'enabled', budget_tokens: 2048 }, service_tier: 'auto', anthropic_extension: 1,
    });
    expect(Object.keys(result.body).sort()).toEqual(['max_tokens', 'messages']);
    expect([...result.dropped].sort()).toEqual(['anthropic_extension', 'service_tier', 'thinking', 'top_k']);
  });
});
