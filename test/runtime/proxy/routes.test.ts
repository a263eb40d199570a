import { describe, expect, it } from 'vitest';
import { matchRoute, upstreamSubPath } from '../../../runtime/proxy/intake/routes';

describe('the route table', () => {

  it('matches only the fixed routes, ignoring the query string', () => {
    expect(matchRoute('/v1/chat/completions?x=http://evil')?.subPath).toBe('chat/completions');
    expect(matchRoute('/v1/chat/completions/../../admin')).toBeUndefined();
    expect(matchRoute('//evil.example/v1/models')).toBeUndefined();
  });
});

describe('the query string an upstream gets', () => {
  it('passes the retrieve parameters of GET /v1/responses/{id} on, re-encoded, and drops every other one', () => {
    // GIVEN a retrieve with OpenAI's include[] and starting_after, plus parameters the proxy does not pass
    const url = '/v1/responses/resp_123?include[]=message.output_text.logprobs&starting_after=4&stream=true&redirect=http://evil&include[]=reasoning.encrypted_content';
    const route = matchRoute(url, 'GET')!;
    // WHEN / THEN
    expect(upstreamSubPath(route, url)).toBe('responses/resp_123?include%5B%5D=message.output_text.logprobs&starting_after=4&include%5B%5D=reasoning.encrypted_content');
  });

  it('sends no query on routes that forward none, whatever the request carried', () => {
    const chat = '/v1/chat/completions?api-version=2024-01-01&x=http://evil';
    expect(upstreamSubPath(matchRoute(chat, 'POST')!, chat)).toBe('chat/completions');
    const del = '/v1/responses/resp_123?include[]=x';
    expect(upstreamSubPath(matchRoute(del, 'DELETE')!, del)).toBe('responses/resp_123');
  });

  it('sends no "?" when none of the request\'s parameters is forwarded', () => {
    const url = '/v1/responses/resp_123?stream=true';
    expect(upstreamSubPath(matchRoute(url, 'GET')!, url)).toBe('responses/resp_123');
  });
});
