/**
 * Entry of the bundled proxy (lib/runtime/ai-failover-proxy.js): starts from
 * env (and CONFIG_PATH) with the failover engine, drains on SIGTERM.
 */
import { ProxyEngine } from './proxy/proxy-engine';
import { runMain } from './server/run-main';

void runMain({ createEngine: (options) => new ProxyEngine(options) });
