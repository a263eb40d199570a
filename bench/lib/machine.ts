/** The machine a benchmark ran on, as BENCHMARKS.md shows it. */
import { cpus, totalmem, platform, release, arch } from 'node:os';

/** CPU, memory, OS and Node version. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
}

/** Reads the current machine (`os.cpus()`, `os.totalmem()`, `process.version`). */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}
