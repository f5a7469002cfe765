/**
 * The wasm lstmSequence pair in place: its outputs are blocks of linear memory (no copy out of
 * scratch), its results are bit-identical on one and two threads, and a wrong-sized operand is
 * refused before anything is allocated. Values against the float64 reference are the
 * conformance suite's (backend-tests op-table, `lstmSequence`).
 */
import type { CpuHandle, LstmSequenceDims } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { randomF32 } from '../../test/reference.js';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

const dims: LstmSequenceDims = { batch: 5, steps: 7, hidden: 12 };
const [B, T, H] = [dims.batch, dims.steps, dims.hidden];
const backends = [wasmBackend({ feature: 'relaxed', threads: 1 }), wasmBackend({ feature: 'relaxed', threads: 2 })];
afterAll(async () => {
  for (const b of backends) (await b).disposeBackend();
});

/** Forward then backward through the fast path; every output as a plain array. */
function run(backend: WasmBackend) {
  const f = (n: number, seed: number) => backend.fromArray(randomF32(n, seed), 'float32');
  const pair = backend.fastPaths.lstmSequence!;
  const fwd = pair.forward(f(B * T * 4 * H, 1), f(H * 4 * H, 2), f(B * H, 3), f(B * H, 4), dims, 'float32');
  const bwd = pair.backward(fwd.saved, f(H * 4 * H, 2), f(B * T * H, 5), f(B * H, 6), null, dims, 'float32');
  const outputs: CpuHandle[] = [fwd.sequence, fwd.h, fwd.c, fwd.saved, bwd.dProjected, bwd.dWeightHh, bwd.dh0, bwd.dc0];
  const inHeap = outputs.map((h) => backend.context.heap.has(backend.context.store.get(h) as Float32Array));
  return { inHeap, values: outputs.map((h) => Array.from(backend.read(h, 'float32'))) };
}

describe('wasm lstmSequence', () => {
  it('writes every output in its own block of linear memory, bit-identical on 1 and 2 threads', async () => {
    const [one, two] = [run(await backends[0]), run(await backends[1])];
    expect(one.inHeap).toEqual(one.inHeap.map(() => true));
    expect(two.values).toEqual(one.values);
    expect(one.values[1].every(Number.isFinite)).toBe(true);
    expect(one.values[5].some((v) => v !== 0)).toBe(true);
  });

  it('refuses a wrong-sized operand before allocating', async () => {
    const backend = await backends[0];
    const live = backend.liveBuffers();
    const f = (n: number) => backend.fromArray(new Float32Array(n), 'float32');
    const [p, w, h, c] = [f(B * T * 4 * H), f(H * 4 * H - 1), f(B * H), f(B * H)];
    expect(() => backend.fastPaths.lstmSequence!.forward(p, w, h, c, dims, 'float32')).toThrow(/weightHh must hold 576 floats/);
    expect(backend.liveBuffers()).toBe(live + 4);
  });

  it('lstmCell runs the wasm step in place for finite inputs and the JavaScript step for non-finite ones', async () => {
    const backend = await backends[0];
    const cell = backend.fastPaths.lstmCell!;
    const savedArray = (z: number[]) => {
      const fwd = cell.forward(backend.fromArray(z, 'float32'), backend.fromArray([0.5, -2], 'float32'), 1, 2, 'float32');
      const back = cell.backward(
        fwd.saved,
        backend.fromArray([0.5, -2], 'float32'),
        backend.fromArray([1, 1], 'float32'),
        null,
        1,
        2,
        'float32',
      );
      return { saved: backend.context.store.get(fwd.saved), dz: Array.from(backend.read(back.dz, 'float32')) };
    };
    const finite = savedArray([0.1, -0.2, 3, -4, 0.5, 0.6, -0.7, 0.8]);
    expect(finite.saved).toBeInstanceOf(Float32Array);
    expect(backend.context.heap.has(finite.saved as Float32Array)).toBe(true);
    expect(finite.dz.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
    expect(savedArray([0.1, -0.2, 3, -4, 0.5, Number.POSITIVE_INFINITY, -0.7, 0.8]).saved).toBeInstanceOf(Float64Array);
    expect(() => cell.forward(backend.fromArray([1, 2, 3], 'float32'), backend.fromArray([0], 'float32'), 1, 1, 'float32')).toThrow(
      /lstmCell: z must hold 4 floats/,
    );
  });
});
