/**
 * Issue 23: fit's yields cost full garbage collections when a training step allocates
 * ArrayBuffers outside wasm linear memory. V8 counts that external memory against the old
 * generation's limit, so after each full GC a few steps bring the heap back to the "soft
 * limit", where V8 posts a task to start incremental marking; the task runs whenever the event
 * loop turns, i.e. at every yield (measured before the fix: the pool kernels' 0.5 MB of
 * Float32Arrays a LeNet step gave 12 full GCs per 4 epochs with yields every 50 ms, 6 without;
 * now 1 in every arm: apps/bench/scripts/nn/yield-cost.mjs). This test counts the bytes of
 * typed arrays and ArrayBuffers constructed during one epoch of the LeNet recipe on the wasm
 * backend (tensors live in wasm memory, so almost nothing should be) and, as the control that
 * shows the count can fail, on the js backend (every tensor is a JavaScript array).
 */
import { deskew, lenet5, loadMnist } from '@lec/cnn';
import { wasmBackend } from '@lec/kernels-wasm';
import { Adam, fit, softmaxCrossEntropyWithLogits } from '@lec/nn';
import { type Backend, getBackend, jsBackend, setBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';

const CONSTRUCTORS = ['ArrayBuffer', 'Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'Uint32Array'] as const;

/** Bytes of ArrayBuffers (own or under a typed array) made by `new` while `fn` runs; V8 keeps typed arrays of <= 64 bytes on its heap. */
async function offHeapBytes(fn: () => Promise<unknown>): Promise<number> {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = CONSTRUCTORS.map((name) => g[name]);
  let bytes = 0;
  for (const [i, name] of CONSTRUCTORS.entries()) {
    const Original = saved[i] as new (...args: unknown[]) => { byteLength: number };
    const proxy: unknown = new Proxy(Original, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as { byteLength: number };
        const ownsBuffer = name === 'ArrayBuffer' || !(args[0] instanceof ArrayBuffer || args[0] instanceof SharedArrayBuffer);
        if (ownsBuffer && made.byteLength > 64) bytes += made.byteLength;
        return made;
      },
    });
    g[name] = proxy;
  }
  try {
    await fn();
  } finally {
    for (const [i, name] of CONSTRUCTORS.entries()) g[name] = saved[i];
  }
  return bytes;
}

/** ArrayBuffer bytes per step of one epoch (64 steps of 16 digits) of the LeNet recipe, after a warm-up epoch. */
async function bytesPerStep(backend: Backend): Promise<number> {
  const previous = getBackend();
  setBackend(backend);
  try {
    const { train } = await loadMnist({ trainSize: 1024, testSize: 16, seed: 0 });
    const x = deskew(train.images);
    const options = {
      loss: softmaxCrossEntropyWithLogits,
      epochs: 1,
      batchSize: 16,
      seed: 0,
      verbose: 0 as const,
      yieldEvery: 'never' as const,
    };
    await fit(lenet5({ seed: 0 }), { x, y: train.labels }, { ...options, optimizer: new Adam({ learningRate: 4e-3 }) });
    const model = lenet5({ seed: 0 });
    const optimizer = new Adam({ learningRate: 4e-3 });
    return (await offHeapBytes(() => fit(model, { x, y: train.labels }, { ...options, optimizer }))) / 64;
  } finally {
    setBackend(previous);
  }
}

describe('a LeNet training step on the wasm backend allocates (almost) no ArrayBuffers (issue 23)', () => {
  it('< 32 KB per step on wasm (was ~500 KB: the pool kernels returned Float32Arrays); > 1 MB on js, the control', async () => {
    const wasm = await wasmBackend({ threads: 1 });
    try {
      expect(wasm.info().tensorsInWasmMemory).toBe(true);
      const onWasm = await bytesPerStep(wasm);
      const onJs = await bytesPerStep(jsBackend());
      console.log(`ArrayBuffer bytes per LeNet step: wasm ${(onWasm / 1024).toFixed(1)} KB, js ${(onJs / 1024).toFixed(0)} KB`);
      expect(onWasm).toBeLessThan(32 * 1024);
      expect(onJs).toBeGreaterThan(1024 * 1024);
    } finally {
      wasm.disposeBackend();
    }
  }, 300_000);
});
