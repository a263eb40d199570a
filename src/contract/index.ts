/**
 * The contract shared by the construct (src/) and the runtime (runtime/).
 * Internal: not re-exported from src/index.ts (zod stays out of the jsii API).
 */
export * from './constants';
export * from './config-schema';
export * from './defaults';
export * from './runtime-requirements';
