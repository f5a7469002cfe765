/**
 * The wasm lstmSequence pair in place: its outputs are blocks of linear memory (no copy out of
 * scratch), its results are bit-identical on one and two threads, and a wrong-sized operand is
 * refused before anything is allocated; the kernels API (plain arrays) runs the same recurrence
 * bit for bit; the backward step kernel reports non-finite gate gradients itself (no second
 * pass over dProjected), and such a backward reruns on the JavaScript pass. Values against the
 * float64 reference are the conformance suite's (backend-tests op-table, `lstmSequence`).
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

  it('the kernels API on plain arrays runs the same recurrence, bit for bit', async () => {
    const backend = await backends[0];
    const { values } = run(backend);
    const k = backend.context.kernels;
    const fwd = k.lstmSequence(randomF32(B * T * 4 * H, 1), randomF32(H * 4 * H, 2), randomF32(B * H, 3), randomF32(B * H, 4), B, T, H);
    const bwd = k.lstmSequenceBackward(fwd.saved, randomF32(H * 4 * H, 2), randomF32(B * T * H, 5), randomF32(B * H, 6), null, B, T, H);
    const api = [fwd.sequence, fwd.h, fwd.c, fwd.saved, bwd.dProjected, bwd.dWeightHh, bwd.dh0, bwd.dc0].map((a) => Array.from(a));
    expect(api).toEqual(values);
  });

  it.each(['scalar', 'simd', 'relaxed'] as const)(
    'lstm_step_backward_f32 reports whether every gate gradient is finite (%s)',
    async (feature) => {
      const backend = await wasmBackend({ feature, threads: 1 });
      try {
        const { kernels } = backend.context;
        const [b, h] = [2, 5]; // 5 units: a SIMD group and a scalar tail per row
        const at = (values: ArrayLike<number>) => {
          const p = kernels.arena.allocF32(values.length);
          kernels.arena.f32(p, values.length).set(values);
          return p;
        };
        const step = (dh: Float32Array) => {
          const mark = kernels.arena.mark();
          try {
            const acts = at(randomF32(b * 4 * h, 7).map((v) => 0.5 + v / 4));
            const [tc, cPrev, dc] = [at(randomF32(b * h, 8)), at(randomF32(b * h, 9)), at(randomF32(b * h, 10))];
            return kernels.exports.lstm_step_backward_f32(
              b,
              h,
              acts,
              4 * h,
              tc,
              cPrev,
              at(dh),
              0,
              0,
              dc,
              kernels.arena.allocF32(b * 4 * h),
              0,
              0,
            );
          } finally {
            kernels.arena.release(mark);
          }
        };
        const dh = randomF32(b * h, 11);
        expect(step(dh)).toBe(1);
        for (const [index, bad] of [
          [1, Number.POSITIVE_INFINITY],
          [4, Number.NaN],
          [8, Number.NEGATIVE_INFINITY],
        ] as const) {
          const d = dh.slice();
          d[index] = bad; // index 4 and 9 are the scalar tails of the rows
          expect(step(d)).toBe(0);
        }
      } finally {
        backend.disposeBackend();
      }
    },
  );

  it('a backward whose gate gradients are not finite reruns on the JavaScript pass', async () => {
    const backend = await backends[0];
    const f = (a: Float32Array) => backend.fromArray(a, 'float32');
    const pair = backend.fastPaths.lstmSequence!;
    const js = backend.context.js.lstmSequence!;
    const inputs = [f(randomF32(B * T * 4 * H, 1)), f(randomF32(H * 4 * H, 2)), f(randomF32(B * H, 3)), f(randomF32(B * H, 4))] as const;
    const fwd = pair.forward(...inputs, dims, 'float32');
    const dSequence = randomF32(B * T * H, 5);
    dSequence[3 * H + 2] = Number.POSITIVE_INFINITY; // batch 0, step 3, unit 2
    const bwd = pair.backward(fwd.saved, inputs[1], f(dSequence), null, null, dims, 'float32');
    const ref = js.backward(fwd.saved, inputs[1], f(dSequence), null, null, dims, 'float32');
    const read = (o: typeof bwd) => [o.dProjected, o.dWeightHh, o.dh0, o.dc0].map((h) => Array.from(backend.read(h, 'float32')));
    const [got, want] = [read(bwd), read(ref)];
    expect(got[0].some((v) => !Number.isFinite(v))).toBe(true);
    expect(got).toEqual(want);
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
