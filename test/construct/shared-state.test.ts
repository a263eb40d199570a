import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorOf, find, Manifest, normalizeBundle, synthProxy } from './helpers';
import { validateAll } from './kubernetes-models';
import { SecretKeyRef, SharedState, SharedStateFailMode, SharedStateRedis } from '../../src';
import { parseProxyConfig } from '../../src/contract';

const PROXY = 'holysheep-ai-proxy';
const REDIS = `${PROXY}-redis`;

const proxyDeployment = (manifests: Manifest[]) => find(manifests, 'Deployment', PROXY);
type EnvVar = { name: string; value?: string; valueFrom?: any };
const proxyEnv = (manifests: Manifest[]) => proxyDeployment(manifests).spec.template.spec.containers[0].env as EnvVar[];
const configOf = (manifests: Manifest[]) => parse(find(manifests, 'ConfigMap', 'holysheep-config').data['config.yaml']);

describe('SharedState.redis: a Redis the platform runs', () => {
  it('reads REDIS_URL (and REDIS_PASSWORD) from Secrets, opens egress to the Redis port and renders the settings', () => {
    // GIVEN a proxy with an existing Redis
    const { manifests, proxy } = synthProxy({
      sharedState: SharedState.redis({
        url: SecretKeyRef.fromSecret('redis', 'url'),
        password: SecretKeyRef.fromSecret('redis', 'password'),
        port: 6380,
        failMode: SharedStateFailMode.CLOSED,
        commandTimeout: Duration.millis(25),
        keyPrefix: 'team-a:eu',
      }),
    });
    // THEN the URL and password come from the Secret keys, never as values
    const env = proxyEnv(manifests);
    expect(env.find((e) => e.name === 'REDIS_URL')).toEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'redis', key: 'url', optional: false } } });
    expect(env.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom.secretKeyRef).toEqual({ name: 'redis', key: 'password', optional: false });
    // AND the NetworkPolicy admits egress to port 6380
    const egress = find(manifests, 'NetworkPolicy', PROXY).spec.egress;
    expect(egress).toContainEqual({ ports: [{ protocol: 'TCP', port: 6380 }] });
    // AND config.yaml carries the settings the runtime reads, valid for its schema
    expect(configOf(manifests).sharedState).toEqual({ keyPrefix: 'team-a:eu', commandTimeoutMs: 25, failMode: 'closed', shareBreakers: true });
    expect(parseProxyConfig(configOf(manifests)).ok).toBe(true);
    // AND no Redis is deployed
    expect(manifests.filter((m) => m.metadata.name === REDIS)).toEqual([]);
    expect(proxy.redis).toBeUndefined();
    expect(proxy.sharedState?.failMode).toBe(SharedStateFailMode.CLOSED);
  });

  it('derives the key prefix from the namespace and the proxy name', () => {
    // GIVEN a proxy in namespace production without a key prefix
    const { manifests } = synthProxy({ sharedState: SharedState.redis({ url: SecretKeyRef.fromSecret('redis', 'url') }) });
    // THEN replicas of this proxy share one prefix that another proxy would not
    expect(configOf(manifests).sharedState).toEqual({ keyPrefix: `ai-failover:production.${PROXY}:`, commandTimeoutMs: 50, failMode: 'open', shareBreakers: true });
    expect(proxyEnv(manifests).find((e) => e.name === 'REDIS_PASSWORD')).toBeUndefined();
  });

  it.each([
    [() => SharedState.redis({ url: SecretKeyRef.fromSecret('r', 'url'), port: 70000 }), /'sharedState.port' must be between 1 and 65535 \(received 70000\)/],
    [() => SharedState.redis({ url: SecretKeyRef.fromSecret('r', 'url'), commandTimeout: Duration.seconds(10) }), /'sharedState.commandTimeout' must be a whole number of milliseconds between 1 and 5000 \(received 10000ms\)/],
    [() => SharedState.redis({ url: SecretKeyRef.fromSecret('r', 'url'), keyPrefix: 'has space' }), /'sharedState.keyPrefix' must be 1-64 characters .* \(received "has space"\)/],
    [() => SharedState.deployRedis({ password: SecretKeyRef.fromSecret('r', 'p'), image: 'redis:latest' }), /'sharedState.image' must be pinned .*\(received "redis:latest"\)/],
    [() => SharedState.deployRedis({ password: SecretKeyRef.fromSecret('r', 'p'), memoryMebibytes: 8 }), /'sharedState.memoryMebibytes' must be an integer >= 16 \(received 8\)/],
    [() => SharedState.deployRedis({ password: SecretKeyRef.fromSecret('r', 'p'), cpuRequestMillis: 600, cpuLimitMillis: 500 }), /'sharedState.cpuLimitMillis' \(500\) must be >= 'sharedState.cpuRequestMillis' \(600\)/],
  ])('refuses bad options at synth, naming the option and the value (%#)', (make, message) => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => synthProxy({ sharedState: make() }))).toMatch(message);
  });
});

describe('SharedState.deployRedis: a small hardened Redis in the same chart', () => {
  const deployed = () => synthProxy({ sharedState: SharedState.deployRedis({ password: SecretKeyRef.fromSecret('redis-auth', 'password') }) });

  it('runs one Redis without persistence, its password from the named Secret, wired to the proxy', () => {
    // GIVEN
    const { manifests, proxy } = deployed();
    // THEN the Redis Deployment runs redis-server with no persistence and requirepass from the Secret
    const redis = find(manifests, 'Deployment', REDIS);
    const container = redis.spec.template.spec.containers[0];
    expect(redis.spec.replicas).toBe(1);
    expect(redis.spec.strategy).toEqual({ type: 'Recreate' });
    expect(container.image).toBe(SharedStateRedis.DEFAULT_IMAGE);
    expect(container.command).toEqual(['redis-server']);
    expect(container.args).toEqual(['--port', '6379', '--save', '', '--appendonly', 'no', '--maxmemory', '96mb', '--maxmemory-policy', 'volatile-lru', '--requirepass', '$(REDIS_PASSWORD)']);
    expect(container.env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password', optional: false } } });
    // AND the proxy reaches it by its Service, with the same password
    expect(find(manifests, 'Service', REDIS).spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
    const env = proxyEnv(manifests);
    expect(env.find((e) => e.name === 'REDIS_URL')).toEqual({ name: 'REDIS_URL', value: `redis://${REDIS}:6379` });
    expect(env.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom.secretKeyRef).toEqual({ name: 'redis-auth', key: 'password', optional: false });
    // AND the proxy's egress to Redis goes to the Redis pods only
    expect(find(manifests, 'NetworkPolicy', PROXY).spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: REDIS } } }], ports: [{ protocol: 'TCP', port: 6379 }] });
    expect(proxy.redis?.host).toBe(REDIS);
  });

  it('admits only the proxy\'s pods to Redis and lets Redis reach nothing', () => {
    // GIVEN
    const { manifests } = deployed();
    // THEN
    const policy = find(manifests, 'NetworkPolicy', REDIS).spec;
    expect(policy.podSelector).toEqual({ matchLabels: { app: REDIS } });
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: PROXY } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(policy.egress).toEqual([]);
    // AND the proxy's own Service, PDB and NetworkPolicy do not select the Redis pod
    const redisLabels = find(manifests, 'Deployment', REDIS).spec.template.metadata.labels;
    for (const selector of [find(manifests, 'Service', 'holysheep-ai-service').spec.selector, find(manifests, 'PodDisruptionBudget', PROXY).spec.selector.matchLabels]) {
      expect(Object.entries(selector).every(([k, v]) => redisLabels[k] === v)).toBe(false);
    }
  });

  it('creates the password Secret only from an explicit literal', () => {
    // GIVEN a literal password
    const { manifests } = synthProxy({ sharedState: SharedState.deployRedis({ password: SecretKeyRef.fromLiteral('redis-auth', 'password', 'a-long-redis-password') }) });
    // THEN it is rendered into a Secret, never into env or the ConfigMap
    expect(find(manifests, 'Secret', 'redis-auth').stringData).toEqual({ password: 'a-long-redis-password' });
    expect(JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'))).not.toContain('a-long-redis-password');
  });

  it('validates against the Kubernetes schemas', () => {
    // GIVEN / WHEN
    const kinds = validateAll(deployed().manifests);
    // THEN the Redis objects are among them
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'NetworkPolicy')).toHaveLength(2);
  });

  it('matches the snapshot', () => {
    expect(normalizeBundle(deployed().manifests)).toMatchSnapshot();
  });
});
