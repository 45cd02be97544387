/** The machine a result came from: figures without it cannot be compared. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: above ~1 the figures share the CPU with others. */
  loadAvg1: number;
  date: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg1: loadavg()[0] ?? 0,
    date: new Date().toISOString(),
  };
}
