import { describe, expect, it } from 'vitest';
import { numericUser, parseDockerfile } from './dockerfile';

describe('parseDockerfile', () => {
  it('reads the final stage of a multi-stage file: base, workdir, copies, user, entrypoint and cmd', () => {
    // GIVEN
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG NODE=node:24.11.1-alpine3.22',
      'FROM ${NODE} AS build',
      'RUN npm ci && \\',
      '    node scripts/bundle-runtime.mjs',
      '',
      'FROM node:24.11.1-alpine3.22',
      'ENV NODE_ENV=production LOG_LEVEL="info"',
      'WORKDIR /app',
      'WORKDIR runtime',
      'COPY --from=build --chown=10001:10001 /src/lib/runtime/ai-failover-proxy.js ./',
      'USER 10001:10001',
      'ENTRYPOINT ["node"]',
      'CMD ["/app/runtime/ai-failover-proxy.js"]',
    ].join('\n');
    // WHEN
    const { stages, final } = parseDockerfile(text);
    // THEN
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatchObject({ from: 'node:24.11.1-alpine3.22', name: 'build', runs: ['npm ci && node scripts/bundle-runtime.mjs'] });
    expect(final).toMatchObject({
      from: 'node:24.11.1-alpine3.22',
      workdir: '/app/runtime',
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info' },
      user: '10001:10001',
      entrypoint: ['node'],
      cmd: ['/app/runtime/ai-failover-proxy.js'],
    });
    expect(final.copies).toEqual([{
      instruction: 'COPY',
      from: 'build',
      chown: '10001:10001',
      chmod: undefined,
      sources: ['/src/lib/runtime/ai-failover-proxy.js'],
      dest: './',
      absoluteDest: '/app/runtime/',
    }]);
  });

  it('turns shell forms into sh -c and resets CMD when ENTRYPOINT is set later', () => {
    // GIVEN / WHEN
    const { final } = parseDockerfile('FROM node:24.11.1\nCMD ["x"]\nENTRYPOINT node /app/a.js');
    // THEN
    expect(final.entrypoint).toEqual(['/bin/sh', '-c', 'node /app/a.js']);
    expect(final.cmd).toBeUndefined();
  });

  it('refuses instructions before FROM and files without FROM', () => {
    expect(() => parseDockerfile('WORKDIR /app')).toThrow('Dockerfile instruction WORKDIR before FROM');
    expect(() => parseDockerfile('# nothing\n')).toThrow('Dockerfile has no FROM instruction');
  });

  it('reads numeric users only', () => {
    expect(numericUser('10001:10002')).toEqual({ uid: 10001, gid: 10002 });
    expect(numericUser('10001')).toEqual({ uid: 10001, gid: undefined });
    expect(numericUser('node')).toBeUndefined();
  });
});
