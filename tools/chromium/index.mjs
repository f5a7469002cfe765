// The one headless-Chromium launcher of the repository's browser tests and benches (apps/docs'
// site test, apps/bench's --browser runner, backend-tfjs' browser tests, datasets' page
// loaders, kernels-wasm's loading paths): Debian's chromium (`apt-get install -y chromium`, or
// LEC_CHROMIUM) through playwright-core, in a fresh profile that `close()` deletes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium binary: LEC_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.LEC_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every headless run uses. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WebGL on SwiftShader and WebGPU (`launchChromium({ gpu: true })`). */
export const GPU_FLAGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'];

/** Why Chromium cannot run here, or null. */
export function chromiumUnavailable() {
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install -y chromium, or set LEC_CHROMIUM)`;
  return null;
}

/**
 * Starts headless Chromium in a fresh profile. Options: `gpu` adds GPU_FLAGS, `args` more
 * flags, `viewport` the pages' size. Throws (saying why) where Chromium is unavailable.
 */
export async function launchChromium({ gpu = false, args = [], viewport } = {}) {
  const why = chromiumUnavailable();
  if (why) throw new Error(`launchChromium: ${why}`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'lec-chromium-'));
  const remove = () => rmSync(profile, { recursive: true, force: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(gpu ? GPU_FLAGS : []), ...args],
      ...(viewport ? { viewport } : {}),
    });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    context,
    async close() {
      await context.close();
      remove();
    },
  };
}
