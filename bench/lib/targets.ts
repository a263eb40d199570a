/** Names of the benchmark targets, in table order. */
export const TARGETS = {
  direct: 'direct (mock)',
  nginx: 'nginx',
  passthrough: 'minimal pass-through',
  /** An earlier build of the proxy, measured in the same run when `BENCH_BEFORE_BUNDLE` names it. */
  proxyBefore: 'proxy (before)',
  proxy: 'proxy',
} as const;

/** Env variable naming an earlier proxy bundle to measure beside the current one (the "before" of an optimization). */
export const BEFORE_BUNDLE_ENV = 'BENCH_BEFORE_BUNDLE';
/** Env variable describing that bundle, e.g. `commit 8d65168`. */
export const BEFORE_LABEL_ENV = 'BENCH_BEFORE_LABEL';

/** The earlier bundle to measure, when set. */
export function beforeBundle(): { readonly path: string; readonly label: string } | undefined {
  const path = process.env[BEFORE_BUNDLE_ENV];
  if (path === undefined || path === '') return undefined;
  return { path, label: process.env[BEFORE_LABEL_ENV] || path };
}
