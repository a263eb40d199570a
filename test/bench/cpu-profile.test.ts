import { describe, expect, it } from 'vitest';
import { bundleModules, moduleName, summarizeProfile, type CpuProfile } from '../../bench/lib/cpu-profile';

const BUNDLE = [
  '"use strict";', // line 0
  '// node_modules/pino/lib/proto.js', // 1
  'function write() {}', // 2
  '// runtime/proxy/attempts/attempt-loop.ts', // 3
  'function runAttempts() {}', // 4
  '// runtime/ops/request-log.ts', // 5
  'function requestFinished() {}', // 6
].join('\n');

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });

/**
 * (root) → runAttempts → requestFinished → write (pino); (root) → (idle).
 * Samples: 2 in write, 1 in runAttempts, 1 idle; every sample 1000 µs.
 */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 5] },
    { id: 2, callFrame: frame('runAttempts', 'file:///tmp/x/ai-failover-proxy.js', 4), children: [3] },
    { id: 3, callFrame: frame('requestFinished', 'file:///tmp/x/ai-failover-proxy.js', 6), children: [4] },
    { id: 4, callFrame: frame('write', 'file:///tmp/x/ai-failover-proxy.js', 2) },
    { id: 5, callFrame: frame('(idle)', '', -1) },
  ],
  samples: [4, 4, 2, 5],
  timeDeltas: [1000, 1000, 1000, 1000],
};

describe('bundleModules and moduleName', () => {
  it('maps each line of an unminified esbuild bundle to the source file above it, node_modules folded to the package', () => {
    expect(bundleModules(BUNDLE)).toEqual([
      { line: 1, name: 'pino' },
      { line: 3, name: 'runtime/proxy/attempts/attempt-loop.ts' },
      { line: 5, name: 'runtime/ops/request-log.ts' },
    ]);
    expect(moduleName('node_modules/@pinojs/redact/index.js')).toBe('@pinojs/redact');
    expect(moduleName('../node_modules/undici/lib/core.js')).toBe('undici');
  });
});

describe('summarizeProfile', () => {
  it('counts self time per function and module as shares of the busy time, idle left out', () => {
    // WHEN
    const s = summarizeProfile(PROFILE, 'ai-failover-proxy.js', bundleModules(BUNDLE));
    // THEN 3 busy samples: 2 in pino's write, 1 in runAttempts
    expect(s.busyMs).toBe(3);
    expect(s.idleMs).toBe(1);
    expect(s.selfByFunction[0]).toEqual({ name: 'write (pino)', ms: 2, percent: 66.7 });
    expect(s.selfByModule.map((r) => r.name)).toEqual(['pino', 'runtime/proxy/attempts/attempt-loop.ts']);
  });

  it('counts a sample once for every module and own function on its stack (inclusive time)', () => {
    // WHEN
    const s = summarizeProfile(PROFILE, 'ai-failover-proxy.js', bundleModules(BUNDLE));
    // THEN runAttempts is on all 3 busy stacks; the request log on the 2 in pino
    expect(s.inclusiveByModule.find((r) => r.name === 'runtime/proxy/attempts/attempt-loop.ts')?.percent).toBe(100);
    expect(s.inclusiveByModule.find((r) => r.name === 'runtime/ops/request-log.ts')?.percent).toBe(66.7);
    expect(s.inclusiveByOwnFunction.map((r) => r.name)).toEqual([
      'runAttempts (runtime/proxy/attempts/attempt-loop.ts)',
      'requestFinished (runtime/ops/request-log.ts)',
    ]);
  });
});
