import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../../runtime/proxy/attempts/error-code';

const withCode = (code: unknown, extra: object = {}): Error => Object.assign(new Error('x'), { code }, extra);

describe('errorCodeOf', () => {
  it.each([
    ['a Node code', withCode('ECONNREFUSED'), 'ECONNREFUSED'],
    ['an undici code', withCode('UND_ERR_HEADERS_TIMEOUT'), 'UND_ERR_HEADERS_TIMEOUT'],
    ['a TLS code', withCode('CERT_HAS_EXPIRED'), 'CERT_HAS_EXPIRED'],
    ['a code on the cause', Object.assign(new TypeError('fetch failed'), { cause: withCode('ENOTFOUND') }), 'ENOTFOUND'],
    ['the first code of an AggregateError', new AggregateError([new Error('no code'), withCode('ECONNREFUSED')]), 'ECONNREFUSED'],
    ['a code that is free text', withCode('some message with spaces'), undefined],
    ['a numeric code', withCode(42), undefined],
    ['no error', undefined, undefined],
  ])('reads %s', (_label, error, expected) => {
    expect(errorCodeOf(error)).toBe(expected);
  });

  it('prefers the code of the abort reason (the proxy\'s own timer) to the abort error', () => {
    expect(errorCodeOf(withCode('UND_ERR_ABORTED'), withCode('PROXY_TRY_TIMEOUT'))).toBe('PROXY_TRY_TIMEOUT');
  });

  it('stops on a cycle of causes', () => {
    const a = withCode(undefined) as Error & { cause?: unknown };
    a.cause = a;
    expect(errorCodeOf(a)).toBeUndefined();
  });
});
