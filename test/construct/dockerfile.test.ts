import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { find, synthProxy } from './helpers';
import { ProxyRuntime } from '../../src';
import { PORTS, RUNTIME_BUNDLE, RUNTIME_USER } from '../../src/contract';

const dockerfile = readFileSync(path.join(__dirname, '..', '..', 'runtime', 'Dockerfile'), 'utf8');
/** Dockerfile instructions (comments and blank lines dropped). */
const instructions = dockerfile.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

describe('runtime/Dockerfile', () => {
  it('matches the paths, user and entrypoint the construct renders in image mode', () => {
    // GIVEN
    const { manifests } = synthProxy({ runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3') });
    const container = find(manifests, 'Deployment').spec.template.spec.containers[0];
    // WHEN
    const entrypoint = JSON.parse(instructions.find((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length));
    // THEN
    expect(entrypoint).toEqual(container.command);
    expect(instructions).toContain(`WORKDIR ${RUNTIME_BUNDLE.appDir}`);
    expect(container.workingDir).toBe(RUNTIME_BUNDLE.appDir);
    expect(instructions).toContain(`USER ${RUNTIME_USER.uid}:${RUNTIME_USER.gid}`);
    expect(instructions).toContain(`EXPOSE ${PORTS.http} ${PORTS.metrics}`);
    expect(instructions.find((l) => l.startsWith('COPY '))).toContain(`${RUNTIME_BUNDLE.packagePath} ${RUNTIME_BUNDLE.appDir}/${RUNTIME_BUNDLE.fileName}`);
  });

  it('builds from the pinned default Node image, copies only the bundle and has no HEALTHCHECK or npm install', () => {
    // GIVEN / WHEN
    const copies = instructions.filter((l) => l.startsWith('COPY ') || l.startsWith('ADD '));
    // THEN
    expect(instructions).toContain(`ARG NODE_IMAGE=${ProxyRuntime.DEFAULT_NODE_IMAGE}`);
    expect(copies).toHaveLength(1);
    expect(instructions.some((l) => l.startsWith('HEALTHCHECK') || l.startsWith('RUN '))).toBe(false);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });
});
