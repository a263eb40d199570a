/**
 * A small Dockerfile reader for the image-mode e2e test: enough of the
 * Dockerfile syntax (line continuations, comments, stages, exec and shell
 * forms) to learn what the final image runs, as which user, from where.
 */
import { readFileSync } from 'node:fs';

/** One `COPY`/`ADD` instruction. */
export interface DockerCopy {
  readonly instruction: 'COPY' | 'ADD';
  /** `--from=<stage or image>`, when copying from another stage. */
  readonly from?: string;
  readonly chown?: string;
  readonly chmod?: string;
  readonly sources: readonly string[];
  /** Destination as written (relative ones resolve against the WORKDIR at that point). */
  readonly dest: string;
  /** Absolute destination inside the image. */
  readonly absoluteDest: string;
}

/** One build stage (`FROM ... [AS name]` up to the next `FROM`). */
export interface DockerStage {
  readonly from: string;
  readonly name?: string;
  readonly workdir?: string;
  readonly user?: string;
  readonly env: Readonly<Record<string, string>>;
  /** Exec form as an array; shell form as `['/bin/sh', '-c', text]`. */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly copies: readonly DockerCopy[];
  readonly runs: readonly string[];
  readonly healthcheck?: string;
  readonly exposed: readonly string[];
}

/** A parsed Dockerfile: every stage, the last one being the image. */
export interface Dockerfile {
  readonly stages: readonly DockerStage[];
  readonly final: DockerStage;
}

interface MutableStage {
  from: string;
  name?: string;
  workdir?: string;
  user?: string;
  env: Record<string, string>;
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  copies: DockerCopy[];
  runs: string[];
  healthcheck?: string;
  exposed: string[];
}

/** Reads and parses a Dockerfile from disk. */
export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** Parses Dockerfile text. Throws on an instruction before `FROM` or on no `FROM` at all. */
export function parseDockerfile(text: string): Dockerfile {
  const stages: MutableStage[] = [];
  const globalArgs: Record<string, string> = {};
  for (const line of logicalLines(text)) {
    const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!match) {
      throw new Error(`unparsable Dockerfile line (received ${JSON.stringify(line)})`);
    }
    const instruction = match[1].toUpperCase();
    const rest = match[2].trim();
    if (instruction === 'ARG' && stages.length === 0) {
      const arg = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest);
      if (arg) globalArgs[arg[1]] = unquote(arg[2] ?? '');
      continue;
    }
    if (instruction === 'FROM') {
      // FROM may use ARGs declared before the first FROM (their defaults: no --build-arg here)
      const expanded = rest.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a?: string, b?: string) => globalArgs[(a ?? b)!] ?? '');
      const words = expanded.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ from: words[0], name: asIndex > 0 ? words[asIndex + 1] : undefined, env: {}, copies: [], runs: [], exposed: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      throw new Error(`Dockerfile instruction ${instruction} before FROM`);
    }
    switch (instruction) {
      case 'WORKDIR':
        stage.workdir = rest.startsWith('/') ? rest : `${(stage.workdir ?? '').replace(/\/$/, '')}/${rest}`;
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'ENV':
        Object.assign(stage.env, parseEnv(rest));
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = execOrShell(rest);
        stage.cmd = undefined; // setting ENTRYPOINT resets an inherited CMD
        break;
      case 'CMD':
        stage.cmd = execOrShell(rest);
        break;
      case 'COPY':
      case 'ADD':
        stage.copies.push(parseCopy(instruction, rest, stage.workdir));
        break;
      case 'RUN':
        stage.runs.push(rest);
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = rest;
        break;
      case 'EXPOSE':
        stage.exposed.push(...rest.split(/\s+/));
        break;
      default:
        break; // LABEL, ARG, STOPSIGNAL, SHELL...: not needed by the harness
    }
  }
  if (stages.length === 0) {
    throw new Error('Dockerfile has no FROM instruction');
  }
  return { stages, final: stages[stages.length - 1] };
}

/** Joins `\` continuations and drops comments and blank lines. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === '')) {
      continue;
    }
    if (trimmed.endsWith('\\')) {
      current += `${trimmed.slice(0, -1).trimEnd()} `;
      continue;
    }
    current += trimmed;
    if (current.trim() !== '') {
      lines.push(current.trim());
    }
    current = '';
  }
  if (current.trim() !== '') {
    lines.push(current.trim());
  }
  return lines;
}

function execOrShell(rest: string): string[] {
  if (rest.startsWith('[')) {
    const parsed = JSON.parse(rest) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
      throw new Error(`exec form must be a JSON array of strings (received ${rest})`);
    }
    return parsed as string[];
  }
  return ['/bin/sh', '-c', rest];
}

function parseEnv(rest: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!rest.includes('=')) {
    const [key, ...value] = rest.split(/\s+/);
    env[key] = value.join(' ');
    return env;
  }
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of rest.matchAll(pair)) {
    const raw = m[2];
    env[m[1]] = unquote(raw);
  }
  return env;
}

function unquote(raw: string): string {
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.startsWith('\'') ? raw.slice(1, -1) : raw;
}

function parseCopy(instruction: 'COPY' | 'ADD', rest: string, workdir: string | undefined): DockerCopy {
  const words = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  const flags: Record<string, string> = {};
  const paths: string[] = [];
  for (const word of words) {
    const flag = /^--([a-z-]+)=(.*)$/.exec(word);
    if (flag && paths.length === 0) {
      flags[flag[1]] = flag[2];
    } else {
      paths.push(word);
    }
  }
  if (paths.length < 2) {
    throw new Error(`${instruction} needs at least one source and a destination (received "${rest}")`);
  }
  const dest = paths[paths.length - 1];
  const absoluteDest = dest.startsWith('/') ? dest : `${(workdir ?? '').replace(/\/$/, '')}/${dest.replace(/^\.\/?/, '')}`;
  return { instruction, from: flags.from, chown: flags.chown, chmod: flags.chmod, sources: paths.slice(0, -1), dest, absoluteDest };
}

/** Parses a Docker `USER` value (`uid[:gid]`, numeric only) into ids; undefined for names, which the harness cannot resolve. */
export function numericUser(user: string | undefined): { uid: number; gid?: number } | undefined {
  const match = user ? /^(\d+)(?::(\d+))?$/.exec(user) : null;
  if (!match) {
    return undefined;
  }
  return { uid: Number(match[1]), gid: match[2] === undefined ? undefined : Number(match[2]) };
}
