import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  date: string;
  platform: string;
  /** 1, 5 and 15-minute load averages when the run started (other work on the machine stretches wall times). */
  load: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    platform: `${process.platform}-${process.arch}`,
    load: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
