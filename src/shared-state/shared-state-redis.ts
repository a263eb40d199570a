import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ENV } from '../contract';
import { redisDeploymentSpec, redisNetworkPolicySpec, redisServiceSpec } from './private/redis-spec';
import { REDIS_PORT, secretEnv, tcpPort, type SharedStateParts } from './private/shared-state-parts';
import { checkPinned } from '../private/pinned-image';
import { checkInt } from '../private/prop-checks';
import { SecretKeyRef } from '../secret-key-ref/secret-key-ref';

/** The default Redis image (pinned to a patch version). */
const DEFAULT_REDIS_IMAGE = 'redis:7.4.2-alpine';

/** Props of {@link SharedStateRedis}. */
export interface SharedStateRedisProps {
  /** Name of the proxy this Redis serves: objects are named `<proxyName>-redis`. */
  readonly proxyName: string;
  /** Labels of the proxy's pods: the only pods the NetworkPolicy admits. */
  readonly proxySelectorLabels: { [key: string]: string };
  /** The Secret key with the Redis password. */
  readonly password: SecretKeyRef;
  /**
   * Redis image, pinned by a digest or a full version tag.
   * @default 'redis:7.4.2-alpine'
   */
  readonly image?: string;
  /**
   * CPU request, in millicores.
   * @default 50
   */
  readonly cpuRequestMillis?: number;
  /**
   * CPU limit, in millicores.
   * @default 500
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory request and limit, in MiB (Redis's `maxmemory` is 75 % of it).
   * @default 128
   */
  readonly memoryMebibytes?: number;
  /**
   * Extra labels of every object (the proxy's, so that one selector finds both).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A small, hardened Redis for one proxy's shared state: a one-replica
 * Deployment without persistence, its ServiceAccount, a ClusterIP Service and
 * a NetworkPolicy that admits only the proxy's pods. `SharedState.deployRedis`
 * adds it under the proxy as child `Redis`.
 *
 * Children, by id: `ServiceAccount`, `Resource` (the Deployment), `Service`, `NetworkPolicy`.
 */
export class SharedStateRedis extends Construct {
  /** The Redis image used when `image` is not set (pinned to a patch version). */
  public static readonly DEFAULT_IMAGE: string = DEFAULT_REDIS_IMAGE;

  /** Name of every object: `<proxyName>-redis`. */
  public readonly name: string;
  /** The Service's in-cluster host name (same namespace). */
  public readonly host: string;
  /** The Redis port. */
  public readonly port: number;
  /** Labels selecting the Redis pod. */
  public readonly selectorLabels: { [key: string]: string };
  public readonly deployment: kplus.k8s.KubeDeployment;
  public readonly service: kplus.k8s.KubeService;
  public readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  private readonly password: SecretKeyRef;

  constructor(scope: Construct, id: string, props: SharedStateRedisProps) {
    super(scope, id);
    const sizes = {
      cpuRequestMillis: props.cpuRequestMillis ?? 50,
      cpuLimitMillis: props.cpuLimitMillis ?? 500,
      memoryMebibytes: props.memoryMebibytes ?? 128,
    };
    checkInt('sharedState.cpuRequestMillis', sizes.cpuRequestMillis, 1);
    checkInt('sharedState.cpuLimitMillis', sizes.cpuLimitMillis, 1);
    checkInt('sharedState.memoryMebibytes', sizes.memoryMebibytes, 16);
    if (sizes.cpuLimitMillis < sizes.cpuRequestMillis) {
      throw new Error(`'sharedState.cpuLimitMillis' (${sizes.cpuLimitMillis}) must be >= 'sharedState.cpuRequestMillis' (${sizes.cpuRequestMillis})`);
    }
    this.name = `${props.proxyName}-redis`;
    this.host = this.name;
    this.port = REDIS_PORT;
    this.password = props.password;
    this.selectorLabels = { app: this.name };
    const labels = { ...props.labels, ...this.selectorLabels, 'app.kubernetes.io/component': 'shared-state', 'app.kubernetes.io/part-of': props.proxyName };
    const metadata = { name: this.name, labels };
    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.deployment = new kplus.k8s.KubeDeployment(this, 'Resource', {
      metadata,
      spec: redisDeploymentSpec({
        image: checkPinned('sharedState.image', props.image ?? DEFAULT_REDIS_IMAGE),
        password: props.password,
        labels,
        selectorLabels: this.selectorLabels,
        serviceAccountName: this.serviceAccount.name,
        sizes,
      }),
    });
    this.service = new kplus.k8s.KubeService(this, 'Service', { metadata, spec: redisServiceSpec(this.selectorLabels) });
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', { metadata, spec: redisNetworkPolicySpec(this.selectorLabels, props.proxySelectorLabels) });
  }

  /** @internal the proxy's env (URL to the Service, password from the Secret), egress to the Redis pod, literal secrets */
  public _proxyParts(): Omit<SharedStateParts, 'config'> {
    return {
      env: [{ name: ENV.redisUrl, value: `redis://${this.host}:${this.port}` }, secretEnv(ENV.redisPassword, this.password)],
      egress: { to: [{ podSelector: { matchLabels: { ...this.selectorLabels } } }], ports: [tcpPort(this.port)] },
      secrets: [this.password],
      redis: this,
    };
  }
}
