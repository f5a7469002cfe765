/**
 * What the tfjs backend tells the conformance suite, shared by Node and the browser page.
 * Every skip and every tolerance override carries its reason.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { CPU_SKIPS, FLOAT64_SKIPS, WASM_SKIPS } from './conformance-skips.js';

/** The JSON report's path in the package's git-ignored test-results/ folder (made if missing). */
export function reportFile(name: string): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, `conformance-${name}.json`);
}
