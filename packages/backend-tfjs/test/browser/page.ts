/**
 * The browser test page (bundled by run-browser.mjs with 'vitest' aliased to the shim):
 * `?device=webgl|webgpu` makes the tfjs backend, registers the conformance suite, a small
 * CNN training run and a LeNet-5 (@lec/cnn + @lec/nn) training run on it, runs them, and
 * POSTs the results to the server's /results.
 */
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import * as lec from '@lec/tensor';
import * as suite from '@lec/backend-tests';
import { type TfjsBackend, type TfjsDevice, tfjsBackend } from '../../src/index.js';
import { FLOAT64_SKIPS, GPU_TOLERANCES, WEBGL_SKIPS } from '../conformance-skips.js';
import { registerUnitTests } from '../unit-cases.js';
import { registerCnnTest } from './cnn.js';
import { registerLenetTest } from './lenet.js';
import { type TestResult, describe, it, runRegistered } from './vitest-shim.js';

const params = new URLSearchParams(location.search);
const device = (params.get('device') ?? 'webgl') as TfjsDevice;
const only = params.get('only'); // 'cnn' | 'lenet' | 'unit' | 'conformance' | null (all)
const grep = params.get('grep') ?? undefined; // run only the tests whose full name contains this

async function post(path: string, body: unknown): Promise<void> {
  await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function main(): Promise<void> {
  const log = (line: string) => void post('/log', { device, line });
  let backend: TfjsBackend | null = null;
  let initError = '';
  try {
    backend = await tfjsBackend({ backend: device });
  } catch (e) {
    initError = (e as Error).message;
  }
  const env: Record<string, unknown> = { userAgent: navigator.userAgent, hasWebGPU: 'gpu' in navigator };
  if (backend) {
    env.info = backend.info();
    if (device === 'webgl') {
      env.WEBGL_VERSION = tf.env().get('WEBGL_VERSION');
      env.WEBGL_RENDER_FLOAT32_ENABLED = tf.env().get('WEBGL_RENDER_FLOAT32_ENABLED');
      env.renderer = (() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        const ext = gl?.getExtension('WEBGL_debug_renderer_info');
        return ext && gl ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
      })();
    }
  } else {
    env.initError = initError;
  }
  log(`device ${device}: ${backend ? 'ready' : `unavailable: ${initError}`}`);
  // for debugging from run-browser.mjs --eval
  Object.assign(globalThis, { __lec: { tf, lec, backend } });
  if (only === 'none') return post('/results', { device, env, results: [] });

  // WebGPU has no synchronous readback: tfjs-webgpu's dataSync draws the buffer through
  // OffscreenCanvas contexts. Probe that it survives before running sync-reading suites.
  let syncReadProblem = '';
  if (backend && device === 'webgpu') {
    syncReadProblem = await probeWebgpuSyncReads(lec, backend);
    env.syncReadProbe = syncReadProblem || 'ok';
    log(`webgpu sync-read probe: ${syncReadProblem || 'ok'}`);
  }

  if (!backend) {
    describe(`tfjs-${device}`, () => {
      it('the whole suite', (ctx) => ctx.skip(`tfjs-${device} is unavailable in this Chromium: ${initError}`));
    });
  } else {
    const b = backend;
    const syncSkip = (what: string) =>
      describe(`tfjs-${device}`, () => it(what, (ctx) => ctx.skip(`WebGPU is not usable in this Chromium: ${syncReadProblem}`)));
    // LeNet first: its tensor-count check must not see lec tensors that earlier tests dropped
    // without dispose() being reclaimed (by the FinalizationRegistry) in the middle of its run
    if ((!only || only === 'lenet') && syncReadProblem) syncSkip('LeNet-5 training');
    else if (!only || only === 'lenet') registerLenetTest(b, lec, tf, log);
    if ((!only || only === 'unit') && syncReadProblem) syncSkip('unit tests (whole group)');
    else if (!only || only === 'unit') registerUnitTests(device, () => b, GPU_UNIT_TOLERANCE);
    if ((!only || only === 'conformance') && syncReadProblem) syncSkip('conformance suite (whole group)');
    else if (!only || only === 'conformance') {
      const run = (suite as unknown as { runConformance?: typeof suite.runConformance }).runConformance;
      if (typeof run === 'function') {
        run({
          name: b.name,
          makeBackend: () => b,
          skip: { ...FLOAT64_SKIPS, ...(device === 'webgl' ? WEBGL_SKIPS : {}) },
          tolerances: GPU_TOLERANCES,
        });
      } else {
        describe('conformance', () => it('runConformance', (ctx) => ctx.skip('@lec/backend-tests does not export runConformance yet')));
      }
    }
    if ((!only || only === 'cnn') && syncReadProblem) syncSkip('CNN training');
    else if (!only || only === 'cnn') registerCnnTest(b, lec, tf, log);
  }
  let done = 0;
  const results: TestResult[] = await runRegistered((r) => {
    done++;
    if (r.state === 'fail' || done % 200 === 0 || grep) log(`${r.state} ${r.name}${r.error ? ` :: ${r.error}` : ''}`);
  }, grep);
  await post('/results', { device, env, results });
}

/**
 * Sync reads (values with NaN, ±Infinity and -0, as the suites use) followed by an async
 * check that the device still computes. Returns '' when fine, else what went wrong.
 */
async function probeWebgpuSyncReads(L: typeof lec, b: TfjsBackend): Promise<string> {
  const special = [Number.NaN, -0, 0, -2, 2.5, 3.5, -2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5];
  try {
    for (let i = 0; i < 5; i++) {
      L.withBackend(b, () => L.tidy(() => L.sign(L.tensor(special)).dataSync()));
      await new Promise((r) => setTimeout(r, 20));
    }
    const y = L.withBackend(b, () =>
      L.matmul(
        L.tensor([
          [1, 2],
          [3, 4],
        ]),
        L.tensor([
          [5, 6],
          [7, 8],
        ]),
      ),
    );
    const v = Array.from(await y.data());
    y.dispose();
    if (v.join(',') !== '19,22,43,50')
      return `after synchronous reads (tfjs-webgpu dataSync via OffscreenCanvas) the WebGPU device computes wrong values (matmul gave [${v.join(', ')}]) in this Chromium (${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]}, SwiftShader adapter)`;
    return '';
  } catch (e) {
    return `the WebGPU device (Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1]}, SwiftShader adapter) failed a probe of synchronous reads (tfjs-webgpu's dataSync goes through OffscreenCanvas) plus one async matmul: ${(e as Error).message}`;
  }
}

/**
 * The unit tests compare against the js backend at rtol 1e-4 / atol 1e-5 on CPU devices.
 * GPU shaders evaluate exp/log/tanh/sigmoid with the hardware's (here SwiftShader's)
 * approximations and sum in a different order, so those comparisons get rtol 1e-3, atol 1e-4.
 */
const GPU_UNIT_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

main().catch((e) => post('/results', { device, env: { fatal: String(e?.stack ?? e) }, results: [] }));
