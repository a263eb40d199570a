/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) of the unminified
 * proxy bundle: self and inclusive time per function and per module, where a
 * module is the source file esbuild names in its `// path` comment above
 * each file's code (node_modules folded to their package).
 */

/** The parts of a V8 CPU profile read here. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly samples: readonly number[];
  /** µs since the previous sample. */
  readonly timeDeltas: readonly number[];
}

/** One row of a time table. */
export interface TimeRow {
  /** `function (module)`, or a module / package name. */
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time, in percent. */
  readonly percent: number;
}

/** Summary of one profile. */
export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  /** Self time by function, highest first. */
  readonly selfByFunction: readonly TimeRow[];
  /** Self time by module, highest first. */
  readonly selfByModule: readonly TimeRow[];
  /** Time with a module anywhere on the stack (each sample counted once per module), highest first. */
  readonly inclusiveByModule: readonly TimeRow[];
  /** Inclusive time of the functions of modules that `ownModule` accepts (the proxy's own code), highest first. */
  readonly inclusiveByOwnFunction: readonly TimeRow[];
}

/** Start line (0-based) and name of each module of an esbuild bundle, ascending. */
export function bundleModules(source: string): Array<{ line: number; name: string }> {
  const out: Array<{ line: number; name: string }> = [];
  source.split('\n').forEach((text, line) => {
    const match = /^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/.exec(text);
    if (match) out.push({ line, name: moduleName(match[1]) });
  });
  return out;
}

/** `node_modules/pino/lib/proto.js` → `pino`; `runtime/proxy/x.ts` stays. */
export function moduleName(path: string): string {
  const clean = path.replace(/^(\.\.\/)+/, '');
  const nm = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(clean);
  return nm ? nm[1] : clean;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Summarizes `profile`; `bundleUrlSuffix` tells the bundle's frames from others, `modules` come from {@link bundleModules}. */
export function summarizeProfile(
  profile: CpuProfile,
  bundleUrlSuffix: string,
  modules: ReadonlyArray<{ line: number; name: string }>,
  top = 25,
  ownModule: (name: string) => boolean = (name) => name.startsWith('runtime/'),
): ProfileSummary {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const moduleOf = (url: string, line: number, fn: string): string => {
    if (url === '') return SPECIAL.has(fn) ? fn : '(native)';
    if (url.endsWith(bundleUrlSuffix)) {
      let lo = 0;
      let hi = modules.length - 1;
      let found = '(bundle)';
      while (lo <= hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (modules[mid].line <= line) {
          found = modules[mid].name;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }
    const internal = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return internal ? `node:${internal[1]}` : url;
  };
  const frameInfo = new Map<number, { fn: string; module: string }>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const module = moduleOf(url, lineNumber, functionName);
    // bundle line numbers mean nothing in the sources: a function is named by its module only
    const fn = SPECIAL.has(functionName) ? functionName : `${functionName || '(anonymous)'} (${module})`;
    frameInfo.set(n.id, { fn, module });
  }

  const selfFn = new Map<string, number>();
  const selfMod = new Map<string, number>();
  const inclMod = new Map<string, number>();
  const inclOwn = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };
  profile.samples.forEach((id, i) => {
    // a sample's time is the delta to the next sample (the last one gets the previous delta)
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const info = frameInfo.get(id);
    if (!info) return;
    if (info.fn === '(idle)') {
      idleUs += us;
      return;
    }
    busyUs += us;
    add(selfFn, info.fn, us);
    add(selfMod, info.module, us);
    const seenModules = new Set<string>();
    const seenOwn = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frameInfo.get(at);
      if (frame === undefined || byId.get(at)?.callFrame.functionName === '(root)') continue;
      if (!seenModules.has(frame.module)) {
        seenModules.add(frame.module);
        add(inclMod, frame.module, us);
      }
      if (ownModule(frame.module) && !seenOwn.has(frame.fn)) {
        seenOwn.add(frame.fn);
        add(inclOwn, frame.fn, us);
      }
    }
  });
  const rows = (m: Map<string, number>): TimeRow[] => [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: busyUs === 0 ? 0 : Math.round((us / busyUs) * 1000) / 10 }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    selfByFunction: rows(selfFn),
    selfByModule: rows(selfMod),
    inclusiveByModule: rows(inclMod),
    inclusiveByOwnFunction: rows(inclOwn),
  };
}
