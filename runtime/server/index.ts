/** The proxy's servers: start in-process (`startProxy`), run as the process entry (`runMain`), drain. */
export { startProxy, type RunningProxy, type StartProxyOptions } from './start-proxy';
export { runMain, type RunMainOptions } from './run-main';
export { drain, type DrainOptions, type DrainResult } from './drain';
export { createAppServer, type AppServer, type AppServerOptions, type Lifecycle } from './app-server';
export { createMetricsServer } from './metrics-server';
export type { EngineFactory, EngineFactoryOptions, EnginePort, RequestContext, UpstreamStatusView } from './engine-port';
