/** SecretKeyRef: a key of a Kubernetes Secret (API keys, client keys, CA bundles). */
export * from './secret-key-ref';
