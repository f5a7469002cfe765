import type { MachineInfo } from '../harness/machine.js';
import type { Result } from '../harness/types.js';

export interface BenchJson {
  machine: MachineInfo;
  results: Result[];
  notes: string[];
}

export function toJson(machine: MachineInfo, results: readonly Result[], notes: readonly string[]): BenchJson {
  return { machine, results: [...results], notes: [...notes] };
}
