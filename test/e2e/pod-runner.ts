/**
 * Runs one pod of a synthesized Deployment on this machine, the way the pod
 * spec says, without a container engine:
 *
 * - volumes are materialized into fresh temp dirs (configMap `data` as utf8
 *   files and `binaryData` base64-decoded, honouring `items` and
 *   `defaultMode`; secret volumes from test values; emptyDir empty, mode 0777);
 * - init containers run in order to completion (exit 0 required), then the
 *   main container is spawned;
 * - command/args follow Kubernetes semantics against the image's ENTRYPOINT/CMD
 *   (`command` overrides ENTRYPOINT, `args` overrides CMD); the image is not
 *   pulled: `node` is run as `process.execPath`;
 * - env: literal values, `$(VAR)` expansion, Secret refs from test values
 *   (missing ones fail loudly), ConfigMap refs from the manifests, fieldRefs
 *   with plausible values; the host's env is NOT inherited;
 * - the process runs as the pod's `runAsUser`/`runAsGroup` when the test runs
 *   as root, as the current user otherwise (see {@link RunningPod.runsAsPodUser});
 * - ports: each declared containerPort is mapped to a free host port, which
 *   replaces the port number ONLY in env values equal to it (a runtime's port
 *   mapping); probes and Service targetPorts resolve through the same map;
 * - volumes the main container mounts only `readOnly` lose their write bits
 *   (when the test runs as root);
 * - the one liberty: absolute container paths in command/args/env/workingDir
 *   are rewritten to host paths by the container's mount table (see mount-table.ts).
 *
 * Nothing here touches a process it did not start.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  assertPinnedNodeImage,
  ConfigMap,
  Container,
  Deployment,
  findObject,
  K8sObject,
  maybeFindObject,
  Probe,
  resolveContainerPort,
  Service,
  serviceSelecting,
  serviceTargetPort,
  Volume,
} from './manifests';
import { MountEntry, MountTable } from './mount-table';

/** What the (not pulled) image contributes to a container. */
export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workingDir?: string;
  /** Numeric USER of the image. */
  readonly user?: { readonly uid: number; readonly gid?: number };
  readonly env?: Readonly<Record<string, string>>;
  /** Files the image holds: container path → host path (e.g. a COPY of the bundle). */
  readonly files?: readonly MountEntry[];
}

/** The official `node` image: `docker-entrypoint.sh` + CMD `node`, runs as root unless told otherwise. */
export const OFFICIAL_NODE_IMAGE: ImageConfig = {
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['node'],
  env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
};

/** Options of {@link startPod}. */
export interface PodOptions {
  /** Every object of the synthesized file (ConfigMaps, Secrets, Services are looked up here). */
  readonly manifests: readonly K8sObject[];
  readonly deploymentName: string;
  /** Test values of Secret keys, keyed `secretName/key`. */
  readonly secretValues?: Readonly<Record<string, string>>;
  /** The image behind each container, by image reference. @default - the official node image for every container */
  readonly images?: Readonly<Record<string, ImageConfig>>;
  /** Checks each container's image reference. @default - {@link assertPinnedNodeImage} */
  readonly checkImage?: (image: string) => void;
  /** Test-time edits of the materialized volumes (volume name → host dir), before any container starts. */
  readonly prepareVolumes?: (volumes: ReadonlyMap<string, string>) => void;
  /** Bound of each init container's run. @default 10_000 */
  readonly initTimeoutMs?: number;
  /** Bound of the SIGTERM → exit wait (the pod's grace period bounds it too). @default 15_000 */
  readonly stopTimeoutMs?: number;
}

/** Result of one probe. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly hostPort: number;
  readonly path?: string;
}

/** How the main container ended. */
export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough and SIGKILL was sent. */
  readonly killed: boolean;
  /** True when the process had exited on its own before stop() was called. */
  readonly exitedBeforeStop: boolean;
}

/** A started pod. Always {@link RunningPod.dispose} it in afterEach. */
export interface RunningPod {
  readonly name: string;
  readonly deployment: Deployment;
  readonly container: Container;
  /** True when the process runs as the pod's runAsUser (the test runs as root); false: as the current user. */
  readonly runsAsPodUser: boolean;
  /** The uid the main process runs as. */
  readonly uid: number;
  /** Host dirs of the materialized volumes, by volume name. */
  readonly volumes: ReadonlyMap<string, string>;
  /** The env the main container got (after substitution), for assertions. */
  readonly env: Readonly<Record<string, string>>;
  /** The argv the main container got (after substitution). */
  readonly argv: readonly string[];
  /** Host port of a container port (number or name). */
  hostPort(port: number | string): number;
  /** Host port behind the Service port named `name` (through its targetPort). */
  servicePort(name: string): number;
  /** Runs the container's liveness/readiness probe once, as the kubelet would. */
  probe(kind: 'liveness' | 'readiness'): Promise<ProbeResult>;
  /**
   * Polls a probe until its `ok` equals `wanted` (default: until it succeeds), the
   * process exits (→ not ok, with the exit in `error`) or `timeoutMs` passes; returns the last result.
   */
  waitForProbe(kind: 'liveness' | 'readiness', timeoutMs?: number, wanted?: boolean): Promise<ProbeResult>;
  /** stdout+stderr of the main container so far (tail). */
  logs(): string;
  /** True while the main process runs. */
  running(): boolean;
  /** Sends SIGTERM once (as the kubelet starts a pod's termination) without waiting; stop() then waits. */
  sendTerm(): void;
  /** SIGTERM (unless sent already), wait (bounded by the grace period and stopTimeoutMs), SIGKILL if needed. */
  stop(): Promise<ExitResult>;
  /** stop() if running, then remove the temp dirs. Safe to call twice. */
  dispose(): Promise<void>;
}

const LOG_LIMIT = 64 * 1024;
const DEFAULT_GRACE_SECONDS = 30;

/** Starts the pod of Deployment `deploymentName`: volumes, init containers, main container. */
export async function startPod(options: PodOptions): Promise<RunningPod> {
  const deployment = findObject<Deployment>(options.manifests, 'Deployment', options.deploymentName);
  const namespace = deployment.metadata.namespace ?? 'default';
  const podSpec = deployment.spec.template.spec;
  if (podSpec.containers.length !== 1) {
    throw new Error(`the harness runs pods with one main container; "${deployment.metadata.name}" has ${podSpec.containers.length}`);
  }
  const container = podSpec.containers[0];
  const podName = `${deployment.metadata.name}-e2e-0`;
  const checkImage = options.checkImage ?? ((image: string) => void assertPinnedNodeImage(image));
  const root = mkdtempSync(join(tmpdir(), 'e2e-pod-'));
  chmodSync(root, 0o755);
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    const asRoot = process.getuid?.() === 0;
    const rootfs = join(root, 'rootfs');
    mkdirSync(rootfs, { mode: 0o755 });
    const volumes = materializeVolumes(options, podSpec.volumes ?? [], namespace, root);
    options.prepareVolumes?.(volumes);
    if (asRoot && podSpec.securityContext?.fsGroup !== undefined) {
      for (const dir of volumes.values()) {
        chownTree(dir, undefined, podSpec.securityContext.fsGroup);
      }
    }
    const portMap = await mapPorts(container);
    for (const init of podSpec.initContainers ?? []) {
      checkImage(init.image);
      const spec = containerProcess(options, deployment, init, volumes, new Map(), podName, asRoot, rootfs);
      await runToCompletion(init.name, spec, options.initTimeoutMs ?? 10_000);
    }
    if (asRoot) {
      enforceReadOnlyMounts(container, volumes);
    }
    checkImage(container.image);
    const spec = containerProcess(options, deployment, container, volumes, portMap, podName, asRoot, rootfs);
    const child = spawnContainer(spec);
    return new Pod(options, deployment, container, podName, volumes, portMap, spec, child, cleanup);
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Everything needed to spawn one container. */
interface ContainerProcess {
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly runsAsPodUser: boolean;
}

function materializeVolumes(options: PodOptions, volumes: readonly Volume[], namespace: string, root: string): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const volume of volumes) {
    const dir = join(root, 'volumes', volume.name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(join(root, 'volumes'), 0o755);
    if (volume.configMap) {
      const cm = maybeFindObject<ConfigMap>(options.manifests, 'ConfigMap', volume.configMap.name, namespace);
      if (!cm) {
        if (volume.configMap.optional) {
          chmodSync(dir, 0o755);
          dirs.set(volume.name, dir);
          continue;
        }
        throw new Error(`volume "${volume.name}" references ConfigMap "${volume.configMap.name}" which is not in the manifests (namespace ${namespace})`);
      }
      const content = new Map<string, Buffer>();
      for (const [key, value] of Object.entries(cm.data ?? {})) content.set(key, Buffer.from(value, 'utf8'));
      for (const [key, value] of Object.entries(cm.binaryData ?? {})) content.set(key, Buffer.from(value, 'base64'));
      writeKeys(dir, `ConfigMap "${cm.metadata.name}"`, content, volume.configMap.items, volume.configMap.defaultMode ?? 0o644);
      chmodSync(dir, 0o755);
    } else if (volume.secret) {
      const prefix = `${volume.secret.secretName}/`;
      const content = new Map<string, Buffer>();
      for (const [ref, value] of Object.entries(options.secretValues ?? {})) {
        if (ref.startsWith(prefix)) content.set(ref.slice(prefix.length), Buffer.from(value, 'utf8'));
      }
      if (content.size === 0 && !volume.secret.optional) {
        throw new Error(`volume "${volume.name}" mounts Secret "${volume.secret.secretName}" but no test value "${prefix}<key>" was given`);
      }
      writeKeys(dir, `Secret "${volume.secret.secretName}"`, content, volume.secret.items, volume.secret.defaultMode ?? 0o644);
      chmodSync(dir, 0o755);
    } else if (volume.emptyDir) {
      chmodSync(dir, 0o777);
    } else {
      throw new Error(`volume "${volume.name}" has a type the harness cannot materialize (keys: ${Object.keys(volume).join(', ')})`);
    }
    dirs.set(volume.name, dir);
  }
  return dirs;
}

function writeKeys(
  dir: string,
  source: string,
  content: ReadonlyMap<string, Buffer>,
  items: readonly { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number,
): void {
  const entries = items
    ? items.map((item) => {
      const value = content.get(item.key);
      if (value === undefined) {
        throw new Error(`${source} has no key "${item.key}" (keys: ${[...content.keys()].join(', ') || 'none'})`);
      }
      return { path: item.path, value, mode: item.mode ?? defaultMode };
    })
    : [...content.entries()].map(([key, value]) => ({ path: key, value, mode: defaultMode }));
  for (const entry of entries) {
    if (entry.path.startsWith('/') || entry.path.split('/').includes('..')) {
      throw new Error(`${source} item path must be relative without "..", (received "${entry.path}")`);
    }
    const file = join(dir, entry.path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, entry.value);
    chmodSync(file, entry.mode);
  }
}

function chownTree(path: string, uid: number | undefined, gid: number): void {
  const stats = statSync(path);
  chownSync(path, uid ?? stats.uid, gid);
  if (stats.isDirectory()) {
    for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
  }
}

/**
 * Volumes the main container mounts only `readOnly` lose their write bits
 * (after the init containers wrote them), as a read-only bind mount would.
 * Only when the test runs as root (root removes them at teardown regardless).
 */
function enforceReadOnlyMounts(container: Container, volumes: ReadonlyMap<string, string>): void {
  const mounts = container.volumeMounts ?? [];
  for (const [name, dir] of volumes) {
    const own = mounts.filter((m) => m.name === name);
    if (own.length > 0 && own.every((m) => m.readOnly === true)) {
      dropWriteBits(dir);
    }
  }
}

function dropWriteBits(path: string): void {
  const stats = statSync(path);
  if (stats.isDirectory()) {
    for (const name of readdirSync(path)) dropWriteBits(join(path, name));
  }
  // eslint-disable-next-line no-bitwise
  chmodSync(path, stats.mode & 0o7555);
}

/** A free host port per declared containerPort (bind 127.0.0.1:0, read it, close). */
async function mapPorts(container: Container): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  for (const port of container.ports ?? []) {
    if (!map.has(port.containerPort)) {
      map.set(port.containerPort, await freePort());
    }
  }
  return map;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function containerProcess(
  options: PodOptions,
  deployment: Deployment,
  container: Container,
  volumes: ReadonlyMap<string, string>,
  portMap: ReadonlyMap<number, number>,
  podName: string,
  asRoot: boolean,
  emptyRoot: string,
): ContainerProcess {
  const image = options.images?.[container.image] ?? OFFICIAL_NODE_IMAGE;
  const mounts: MountEntry[] = [...(image.files ?? [])];
  for (const mount of container.volumeMounts ?? []) {
    const hostDir = volumes.get(mount.name);
    if (!hostDir) {
      throw new Error(`container "${container.name}" mounts volume "${mount.name}" which the pod does not declare`);
    }
    mounts.push({ containerPath: mount.mountPath, hostPath: mount.subPath ? join(hostDir, mount.subPath) : hostDir });
  }
  const table = new MountTable(mounts);

  // env: image ENV, then envFrom, then env; $(VAR) expands against what is defined so far
  const env: Record<string, string> = { HOSTNAME: podName, HOME: '/', ...(image.env ?? {}) };
  for (const source of container.envFrom ?? []) {
    Object.assign(env, envFromSource(options, source, deployment.metadata.namespace ?? 'default', container.name));
  }
  for (const variable of container.env ?? []) {
    const value = envValue(options, variable, deployment, container, podName);
    if (value !== undefined) {
      env[variable.name] = expand(value, env);
    }
  }
  for (const [name, value] of Object.entries(env)) {
    const mapped = /^\d+$/.test(value) ? portMap.get(Number(value)) : undefined;
    env[name] = mapped !== undefined ? String(mapped) : table.rewrite(value);
  }

  const argv = resolveArgv(container, image).map((arg) => table.rewrite(expand(arg, env)));
  const containerCwd = container.workingDir ?? image.workingDir;
  // no workingDir anywhere: the container starts in `/`, here an empty stand-in for the image root
  const cwd = containerCwd === undefined ? emptyRoot : table.resolve(containerCwd);
  if (cwd === undefined) {
    throw new Error(`container "${container.name}" workingDir "${containerCwd}" is neither a volume mount nor a path the image provides`);
  }
  mkdirSync(cwd, { recursive: true });

  const pod = deployment.spec.template.spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  const podUid = own.runAsUser ?? pod.runAsUser ?? image.user?.uid;
  const podGid = own.runAsGroup ?? pod.runAsGroup ?? image.user?.gid ?? (image.user ? podUid : 0);
  const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot ?? false;
  if (runAsNonRoot && (podUid === undefined || podUid === 0)) {
    throw new Error(`container "${container.name}" has runAsNonRoot but would run as uid ${podUid ?? '0 (image default)'}: the kubelet refuses to start it`);
  }
  const uid = asRoot ? podUid ?? 0 : process.getuid?.() ?? 0;
  const gid = asRoot ? podGid ?? 0 : process.getgid?.() ?? 0;
  return { argv, env, cwd, uid, gid, runsAsPodUser: asRoot };
}

/** Kubernetes: `command` replaces ENTRYPOINT (and drops CMD), `args` replaces CMD. */
function resolveArgv(container: Container, image: ImageConfig): string[] {
  let argv: string[];
  if (container.command && container.command.length > 0) {
    argv = [...container.command, ...(container.args ?? [])];
  } else {
    argv = [...(image.entrypoint ?? []), ...(container.args ?? image.cmd ?? [])];
  }
  if (argv[0] === 'docker-entrypoint.sh' || argv[0] === '/usr/local/bin/docker-entrypoint.sh') {
    // the node image's entrypoint: prepend `node` when the first arg is a flag or not a command
    const rest = argv.slice(1);
    argv = rest.length === 0 || rest[0].startsWith('-') || !isCommand(rest[0]) ? ['node', ...rest] : rest;
  }
  if (argv.length === 0) {
    throw new Error(`container "${container.name}" has neither command/args nor an image ENTRYPOINT/CMD`);
  }
  if (!isNode(argv[0])) {
    throw new Error(`the harness runs only node in place of the image: container "${container.name}" would exec "${argv[0]}"`);
  }
  return [process.execPath, ...argv.slice(1)];
}

function isNode(command: string): boolean {
  return command === 'node' || command === '/usr/local/bin/node' || command === '/usr/bin/node';
}

function isCommand(word: string): boolean {
  return isNode(word) || ['sh', '/bin/sh', 'npm', 'npx', 'yarn'].includes(word);
}

/** `$(VAR)` → value when VAR is defined, `$$(VAR)` → literal `$(VAR)`, unknown references kept as written. */
function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match: string, name: string | undefined) => {
    if (name === undefined) return '$(';
    return env[name] ?? match;
  });
}

function envFromSource(options: PodOptions, source: NonNullable<Container['envFrom']>[number], namespace: string, containerName: string): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = source.prefix ?? '';
  if (source.configMapRef) {
    const cm = maybeFindObject<ConfigMap>(options.manifests, 'ConfigMap', source.configMapRef.name, namespace);
    if (!cm && !source.configMapRef.optional) {
      throw new Error(`container "${containerName}" envFrom ConfigMap "${source.configMapRef.name}" is not in the manifests`);
    }
    for (const [key, value] of Object.entries(cm?.data ?? {})) out[prefix + key] = value;
  }
  if (source.secretRef) {
    const secretPrefix = `${source.secretRef.name}/`;
    const values = Object.entries(options.secretValues ?? {}).filter(([ref]) => ref.startsWith(secretPrefix));
    if (values.length === 0 && !source.secretRef.optional) {
      throw new Error(`container "${containerName}" envFrom Secret "${source.secretRef.name}" has no test values ("${secretPrefix}<key>")`);
    }
    for (const [ref, value] of values) out[prefix + ref.slice(secretPrefix.length)] = value;
  }
  return out;
}

function envValue(options: PodOptions, variable: NonNullable<Container['env']>[number], deployment: Deployment, container: Container, podName: string): string | undefined {
  if (!variable.valueFrom) {
    return variable.value ?? '';
  }
  const { secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef } = variable.valueFrom;
  const namespace = deployment.metadata.namespace ?? 'default';
  if (secretKeyRef) {
    const value = options.secretValues?.[`${secretKeyRef.name}/${secretKeyRef.key}`];
    if (value === undefined && !secretKeyRef.optional) {
      throw new Error(`env ${variable.name} of container "${container.name}" reads Secret key "${secretKeyRef.name}/${secretKeyRef.key}", but the test gave no value for it`);
    }
    return value;
  }
  if (configMapKeyRef) {
    const cm = maybeFindObject<ConfigMap>(options.manifests, 'ConfigMap', configMapKeyRef.name, namespace);
    const value = cm?.data?.[configMapKeyRef.key];
    if (value === undefined && !configMapKeyRef.optional) {
      throw new Error(`env ${variable.name} reads ConfigMap key "${configMapKeyRef.name}/${configMapKeyRef.key}" which is not in the manifests`);
    }
    return value;
  }
  if (fieldRef) {
    const fields: Record<string, string> = {
      'metadata.name': podName,
      'metadata.namespace': namespace,
      'metadata.uid': '00000000-0000-4000-8000-0000000e2e00',
      'spec.nodeName': 'e2e-node',
      'spec.serviceAccountName': deployment.spec.template.spec.serviceAccountName ?? 'default',
      'status.podIP': '127.0.0.1',
      'status.podIPs': '127.0.0.1',
      'status.hostIP': '127.0.0.1',
      'status.hostIPs': '127.0.0.1',
    };
    const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldRef.fieldPath);
    const value = label ? deployment.spec.template.metadata?.labels?.[label[1]] ?? '' : fields[fieldRef.fieldPath];
    if (value === undefined) {
      throw new Error(`env ${variable.name} uses fieldRef "${fieldRef.fieldPath}" which the harness does not provide`);
    }
    return value;
  }
  if (resourceFieldRef) {
    const [kind, resource] = resourceFieldRef.resource.split('.');
    const amount = (kind === 'limits' ? container.resources?.limits : container.resources?.requests)?.[resource];
    return amount === undefined ? '0' : String(resourceValue(String(amount), resourceFieldRef.divisor));
  }
  throw new Error(`env ${variable.name} has a valueFrom the harness does not know (${JSON.stringify(variable.valueFrom)})`);
}

const SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

function quantity(text: string): number {
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(text);
  if (!match) throw new Error(`not a resource quantity (received "${text}")`);
  return Number(match[1]) * (match[2] ? SUFFIX[match[2]] ?? NaN : 1);
}

function resourceValue(value: string, divisor: string | undefined): number {
  // the kubelet rounds up to the divisor (cpu limit 250m with divisor 1 → 1)
  return Math.ceil(quantity(value) / quantity(divisor ?? '1'));
}

/** Processes this module started and that still run: SIGKILLed if the test process exits first. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnContainer(spec: ContainerProcess): ChildProcess {
  const child = spawn(spec.argv[0], spec.argv.slice(1), {
    cwd: spec.cwd,
    env: spec.env,
    uid: spec.uid,
    gid: spec.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Bounded buffer of a process's output. */
class LogTail {
  private text = '';

  public attach(child: ChildProcess): void {
    child.stdout?.on('data', (chunk: Buffer) => this.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.add(chunk));
  }

  public toString(): string {
    return this.text;
  }

  public add(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-LOG_LIMIT);
  }
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // a process that could not be spawned (ENOENT, EACCES, EPERM) may never emit 'exit'
    child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }));
  });
}

function timeout(ms: number): { promise: Promise<'timeout'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function runToCompletion(name: string, spec: ContainerProcess, timeoutMs: number): Promise<void> {
  const child = spawnContainer(spec);
  const logs = new LogTail();
  logs.attach(child);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const bound = timeout(timeoutMs);
  const outcome = await Promise.race([waitForExit(child), bound.promise, spawnError]);
  bound.cancel();
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await waitForExit(child);
    throw new Error(`init container "${name}" did not finish within ${timeoutMs} ms; output:\n${logs.toString()}`);
  }
  if (outcome instanceof Error) {
    throw new Error(`init container "${name}" could not start: ${outcome.message}`);
  }
  if (outcome.code !== 0) {
    throw new Error(`init container "${name}" exited with code ${outcome.code} signal ${outcome.signal}; argv ${JSON.stringify(spec.argv)}; output:\n${logs.toString()}`);
  }
}

function httpGet(port: number, path: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { ...headers, connection: 'close' }, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function tcpConnect(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs }, () => {
      socket.destroy();
      resolve();
    });
    socket.on('timeout', () => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    socket.on('error', reject);
  });
}

class Pod implements RunningPod {
  public readonly runsAsPodUser: boolean;
  public readonly uid: number;
  public readonly env: Readonly<Record<string, string>>;
  public readonly argv: readonly string[];
  private readonly logTail = new LogTail();
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exited = false;
  private stopped: Promise<ExitResult> | undefined;
  private disposed = false;
  private termSent = false;
  private service: Service | undefined;

  public constructor(
    private readonly options: PodOptions,
    public readonly deployment: Deployment,
    public readonly container: Container,
    public readonly name: string,
    public readonly volumes: ReadonlyMap<string, string>,
    private readonly portMap: ReadonlyMap<number, number>,
    spec: ContainerProcess,
    private readonly child: ChildProcess,
    private readonly cleanup: () => void,
  ) {
    this.runsAsPodUser = spec.runsAsPodUser;
    this.uid = spec.uid;
    this.env = spec.env;
    this.argv = spec.argv;
    this.logTail.attach(child);
    child.on('error', (error) => this.logTail.add(Buffer.from(`\n[harness] spawn error: ${error.message}\n`)));
    this.exit = waitForExit(child).then((result) => {
      this.exited = true;
      return result;
    });
  }

  public hostPort(port: number | string): number {
    const containerPort = resolveContainerPort(this.container, port);
    const host = this.portMap.get(containerPort);
    if (host === undefined) {
      throw new Error(`container "${this.container.name}" does not declare port ${containerPort} (declared: ${[...this.portMap.keys()].join(', ') || 'none'})`);
    }
    return host;
  }

  public servicePort(name: string): number {
    this.service ??= serviceSelecting(this.options.manifests, this.deployment);
    return this.hostPort(serviceTargetPort(this.service, name, this.container));
  }

  public async probe(kind: 'liveness' | 'readiness'): Promise<ProbeResult> {
    const probe: Probe | undefined = kind === 'liveness' ? this.container.livenessProbe : this.container.readinessProbe;
    if (!probe) {
      throw new Error(`container "${this.container.name}" has no ${kind}Probe`);
    }
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.httpGet) {
      if ((probe.httpGet.scheme ?? 'HTTP') !== 'HTTP') {
        throw new Error(`${kind}Probe scheme ${probe.httpGet.scheme} is not supported by the harness`);
      }
      const hostPort = this.hostPort(probe.httpGet.port);
      const path = probe.httpGet.path ?? '/';
      const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
      try {
        const status = await httpGet(hostPort, path, headers, timeoutMs);
        return { ok: status >= 200 && status < 400, status, hostPort, path };
      } catch (error) {
        return { ok: false, error: (error as Error).message, hostPort, path };
      }
    }
    if (probe.tcpSocket) {
      const hostPort = this.hostPort(probe.tcpSocket.port);
      try {
        await tcpConnect(hostPort, timeoutMs);
        return { ok: true, hostPort };
      } catch (error) {
        return { ok: false, error: (error as Error).message, hostPort };
      }
    }
    throw new Error(`${kind}Probe of "${this.container.name}" is neither httpGet nor tcpSocket: ${JSON.stringify(probe)}`);
  }

  public async waitForProbe(kind: 'liveness' | 'readiness', timeoutMs = 10_000, wanted = true): Promise<ProbeResult> {
    const intervalMs = 100;
    const attempts = Math.max(1, Math.ceil(timeoutMs / intervalMs));
    const deadline = Date.now() + timeoutMs;
    let last: ProbeResult | undefined;
    for (let i = 0; i < attempts && Date.now() <= deadline; i++) {
      if (this.exited) {
        const exit = JSON.stringify(await this.exit);
        return { ok: false, error: `main container "${this.container.name}" exited (${exit}) before its ${kind} probe succeeded`, hostPort: last?.hostPort ?? 0, path: last?.path };
      }
      last = await this.probe(kind);
      if (last.ok === wanted) {
        return last;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return last ?? (await this.probe(kind));
  }

  public logs(): string {
    return this.logTail.toString();
  }

  public running(): boolean {
    return !this.exited;
  }

  public sendTerm(): void {
    if (!this.termSent && !this.exited) {
      this.termSent = true;
      this.child.kill('SIGTERM');
    }
  }

  public stop(): Promise<ExitResult> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  public async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.stop();
    } finally {
      this.cleanup();
    }
  }

  private async terminate(): Promise<ExitResult> {
    if (this.exited) {
      return { ...(await this.exit), killed: false, exitedBeforeStop: true };
    }
    const graceMs = (this.deployment.spec.template.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
    const boundMs = Math.min(graceMs, this.options.stopTimeoutMs ?? 15_000);
    this.sendTerm();
    const bound = timeout(boundMs);
    const outcome = await Promise.race([this.exit, bound.promise]);
    bound.cancel();
    if (outcome !== 'timeout') {
      return { ...outcome, killed: false, exitedBeforeStop: false };
    }
    this.child.kill('SIGKILL');
    return { ...(await this.exit), killed: true, exitedBeforeStop: false };
  }
}
