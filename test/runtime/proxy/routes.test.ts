import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../runtime/proxy/intake/routes';

describe('the route table', () => {

  it('matches only the fixed routes, ignoring the query string', () => {
    expect(matchRoute('/v1/chat/completions?x=http://evil')?.subPath).toBe('chat/completions');
    expect(matchRoute('/v1/chat/completions/../../admin')).toBeUndefined();
    expect(matchRoute('//evil.example/v1/models')).toBeUndefined();
  });
});
