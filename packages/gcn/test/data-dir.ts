import { existsSync } from 'node:fs';

/** The shared datasets directory from LEC_DATA_DIR, or null (with a printed reason) when absent. */
export function dataDir(what: string): string | null {
  const dir = process.env.LEC_DATA_DIR;
  if (!dir || !existsSync(dir)) {
    console.log(`skipping ${what}: LEC_DATA_DIR ${dir ? `(${dir}) does not exist` : 'is not set'}; point it at shared/datasets`);
    return null;
  }
  return dir;
}
