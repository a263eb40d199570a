/**
 * Test helpers for the construct tests: synthesize a FailoverProxy and
 * normalize the runtime bundle so that snapshots do not churn whenever the
 * runtime code changes.
 */
import { Chart, Testing } from 'cdk8s';
import { FailoverProxy, FailoverProxyProps } from '../../src';

/** A synthesized Kubernetes object. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Synthesizes one FailoverProxy in a fresh chart (namespace `production`). */
export function synthProxy(props: FailoverProxyProps = {}): { chart: Chart; proxy: FailoverProxy; manifests: Manifest[] } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'production', disableResourceNameHashes: true });
  const proxy = new FailoverProxy(chart, 'Proxy', props);
  return { chart, proxy, manifests: Testing.synth(chart) as Manifest[] };
}

/** A thunk that synthesizes one FailoverProxy with `props`, for `expect(synthWith(...)).toThrow(...)`. */
export function synthWith(props: FailoverProxyProps): () => void {
  return () => synthProxy(props);
}

/** The message `fn` throws; fails the test when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw, got none');
}

/** The one object of `kind` (and `name` when given); throws when missing. */
export function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}

const HASHED_NAME = /-runtime-[0-9a-f]{10}\b/g;

/**
 * Replaces the gzipped bundle (binaryData) and its content hash (in the
 * ConfigMap name and every reference) with placeholders.
 */
export function normalizeBundle(manifests: Manifest[]): Manifest[] {
  const json = JSON.stringify(manifests).replace(HASHED_NAME, '-runtime-<sha256>');
  const copy = JSON.parse(json) as Manifest[];
  for (const m of copy) {
    if (m.kind === 'ConfigMap' && m.binaryData) {
      for (const key of Object.keys(m.binaryData)) {
        m.binaryData[key] = '<gzipped runtime bundle>';
      }
    }
  }
  return copy;
}
