/**
 * The one liberty the e2e harness takes with the pod spec: there is no mount
 * namespace, so absolute container paths are translated to host paths, the
 * way a container runtime's mount table would resolve them.
 *
 * Every absolute path in a container's command, args, env values and
 * workingDir that starts with a mount path (at a path boundary) is rewritten
 * by longest-prefix match: `/app/config/config.yaml` with `/app/config`
 * mounted at `/tmp/pod-x/config` becomes `/tmp/pod-x/config/config.yaml`.
 * Paths under no mount are left alone, so a process told to use one fails on
 * the host as it would in the pod. Paths the process hard-codes internally are
 * NOT translated (only what the manifest says is).
 */
import { join } from 'node:path';

/** One entry: a container path and the host path it resolves to. */
export interface MountEntry {
  readonly containerPath: string;
  readonly hostPath: string;
}

/** Characters that may precede a path inside a larger string (quote, space, `=`, `:`, `(`...). */
const BEFORE = String.raw`(?<![A-Za-z0-9_.\-/~$])`;
/** A path component continues with one of these; anything else ends the mount prefix. */
const AFTER = String.raw`(?![A-Za-z0-9_.\-~])`;

/** Longest-prefix container → host path resolution for one container. */
export class MountTable {
  /** Entries, longest container path first. */
  public readonly entries: readonly MountEntry[];
  private readonly pattern: RegExp | undefined;

  public constructor(entries: readonly MountEntry[]) {
    for (const entry of entries) {
      if (!entry.containerPath.startsWith('/') || entry.containerPath === '/') {
        throw new Error(`mount path must be an absolute path below / (received "${entry.containerPath}")`);
      }
    }
    this.entries = [...entries]
      .map((e) => ({ containerPath: e.containerPath.replace(/\/+$/, ''), hostPath: e.hostPath }))
      .sort((a, b) => b.containerPath.length - a.containerPath.length);
    this.pattern = this.entries.length === 0
      ? undefined
      : new RegExp(`${BEFORE}(${this.entries.map((e) => escapeRegExp(e.containerPath)).join('|')})${AFTER}`, 'g');
  }

  /** The host path of an absolute container path, or undefined when no mount covers it. */
  public resolve(containerPath: string): string | undefined {
    for (const entry of this.entries) {
      if (containerPath === entry.containerPath) {
        return entry.hostPath;
      }
      if (containerPath.startsWith(`${entry.containerPath}/`)) {
        return join(entry.hostPath, containerPath.slice(entry.containerPath.length + 1));
      }
    }
    return undefined;
  }

  /** Rewrites every mounted container path inside `text` (whole values and embedded ones, e.g. in `node -e` scripts). */
  public rewrite(text: string): string {
    if (!this.pattern) {
      return text;
    }
    return text.replace(this.pattern, (containerPath: string) => {
      const entry = this.entries.find((e) => e.containerPath === containerPath);
      return entry ? entry.hostPath : containerPath;
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
