/** ProxyRuntime: where the proxy's code comes from (the bundled runtime or an image). */
export * from './proxy-runtime';
