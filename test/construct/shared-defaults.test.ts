/**
 * The behavioural defaults the construct and the runtime share are written
 * once (src/contract/defaults.ts): the runtime's schema fills them in, and a
 * FailoverProxy without those props renders the same values into config.yaml.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthProxy } from './helpers';
import {
  CIRCUIT_BREAKER_DEFAULTS,
  LIFECYCLE_DEFAULTS,
  parseProxyConfig,
  RATE_LIMIT_DEFAULTS,
  RETRIES_DEFAULTS,
  TIMEOUTS_DEFAULTS,
} from '../../src/contract';

describe('shared behavioural defaults', () => {
  it('are the schema defaults of the runtime', () => {
    // GIVEN an empty config.yaml / WHEN the runtime's schema parses it
    const result = parseProxyConfig({});
    // THEN each section equals the table
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.config.circuitBreaker).toEqual(CIRCUIT_BREAKER_DEFAULTS);
    expect(result.config.retries).toEqual(RETRIES_DEFAULTS);
    expect(result.config.timeouts).toEqual(TIMEOUTS_DEFAULTS);
    expect(result.config.rateLimit).toEqual(RATE_LIMIT_DEFAULTS);
    expect(result.config.lifecycle).toEqual(LIFECYCLE_DEFAULTS);
  });

  it('are what a FailoverProxy without those props renders into config.yaml', () => {
    // GIVEN / WHEN a proxy with default props
    const { proxy } = synthProxy();
    const rendered = parse(proxy.configYaml);
    // THEN the values it writes are the table's
    expect(rendered.circuitBreaker).toEqual({
      failureThreshold: CIRCUIT_BREAKER_DEFAULTS.failureThreshold,
      recoveryTimeoutSeconds: CIRCUIT_BREAKER_DEFAULTS.recoveryTimeoutSeconds,
      maxRecoveryTimeoutSeconds: CIRCUIT_BREAKER_DEFAULTS.maxRecoveryTimeoutSeconds,
      halfOpenMaxCalls: CIRCUIT_BREAKER_DEFAULTS.halfOpenMaxCalls,
    });
    expect(rendered.retries).toEqual({ maxRetries: RETRIES_DEFAULTS.maxRetries });
    expect(rendered.timeouts).toEqual({ requestSeconds: TIMEOUTS_DEFAULTS.requestSeconds, deadlineSeconds: TIMEOUTS_DEFAULTS.deadlineSeconds });
    expect(rendered.rateLimit).toEqual(RATE_LIMIT_DEFAULTS);
    expect(rendered.lifecycle).toEqual(LIFECYCLE_DEFAULTS);
    // AND the schema's parse of the rendered file equals its parse of an empty one for these sections
    const fromRendered = parseProxyConfig(rendered);
    const fromEmpty = parseProxyConfig({});
    if (!fromRendered.ok || !fromEmpty.ok) throw new Error('config refused');
    for (const section of ['circuitBreaker', 'retries', 'timeouts', 'rateLimit', 'lifecycle'] as const) {
      expect(fromRendered.config[section]).toEqual(fromEmpty.config[section]);
    }
  });
});
