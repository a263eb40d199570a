/** The machine a benchmark ran on, as BENCHMARKS.md shows it. */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** CPU, memory, OS and Node version. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run started (others' work on the machine shows here). */
  readonly loadAverage?: readonly number[];
}

/** Reads the current machine (`os.cpus()`, `os.totalmem()`, `process.version`, `os.loadavg()`). */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
