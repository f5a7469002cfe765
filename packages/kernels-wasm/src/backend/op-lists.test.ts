/**
 * `info().wasmOps`/`jsOps` cannot drift from what the backend runs: every op is in exactly one
 * list, and each float32 primitive, called for real, enters a wasm kernel scope exactly when
 * `wasmOps` names it.
 */
import { type CpuHandle, FAST_PATH_FUNCTIONS, type BackendV1 } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

const backendPromise = wasmBackend({ feature: 'simd' });
afterAll(async () => (await backendPromise).disposeBackend());

/** The names in an info string ("float32 a, b; every ..."). */
function names(info: unknown): string[] {
  const head = String(info).split(';')[0];
  return head.startsWith('float32 ') ? head.slice('float32 '.length).split(', ') : [];
}

/** One small float32 call of each required primitive (what the test runs). */
function calls(b: BackendV1<CpuHandle>): Record<string, () => unknown> {
  const f = (n: number) =>
    b.fromArray(
      Array.from({ length: n }, (_, i) => i - 2.5),
      'float32',
    );
  const x = f(24);
  const shape = [2, 3, 4];
  const op = (handle: CpuHandle) => ({ handle, shape });
  return {
    unary: () => b.unary('exp', x, 24, 'float32'),
    binary: () => b.binary({ op: 'add', a: op(x), b: op(f(24)), outShape: shape, dtype: 'float32' }),
    broadcastTo: () => b.broadcastTo(f(4), [4], shape, 'float32'),
    where: () =>
      b.where({ cond: { handle: b.fromArray([1, 0, 1, 0], 'int32'), shape: [4] }, a: op(x), b: op(x), outShape: shape, dtype: 'float32' }),
    reduce: () => b.reduce('sum', x, shape, [1], 'float32'),
    argReduce: () => b.argReduce('argmax', x, shape, 2, 'float32'),
    transpose: () => b.transpose(x, shape, [2, 0, 1], 'float32'),
    slice: () => b.slice(x, shape, [0, 1, 0], [2, 2, 4], 'float32'),
    concat: () => b.concat([x, x], [shape, shape], 1, 'float32'),
    pad: () =>
      b.pad(
        x,
        shape,
        [
          [0, 0],
          [1, 1],
          [0, 0],
        ],
        0,
        'float32',
      ),
    gather: () => b.gather({ x, shape, indices: b.fromArray([0, 1, 1], 'int32'), indexCount: 3, axis: 0, dtype: 'float32' }),
    scatterAdd: () =>
      b.scatterAdd({ updates: f(36), indices: b.fromArray([0, 1, 1], 'int32'), indexCount: 3, outShape: shape, axis: 0, dtype: 'float32' }),
    matmul: () =>
      b.matmul(f(6), f(12), { batch: 1, aBatch: 1, bBatch: 1, m: 2, n: 4, k: 3, transposeA: false, transposeB: false }, 'float32'),
    cast: () => b.cast(x, 24, 'float32', 'int32'),
  };
}

describe('wasm backend info().wasmOps / jsOps', () => {
  it('lists every primitive and fast-path function once, in one of the two lists', async () => {
    const info = (await backendPromise).info();
    const wasm = names(info.wasmOps);
    const js = names(info.jsOps);
    expect(wasm).toContain('matmul');
    expect(wasm).toContain('gemm');
    expect(String(info.jsOps)).toMatch(/every float64 and int32 op$/);
    const all = [...wasm, ...js].sort();
    expect(new Set(all).size).toBe(all.length);
    const primitives = Object.keys(calls((await backendPromise) as BackendV1<CpuHandle>));
    expect(all).toEqual([...primitives, ...FAST_PATH_FUNCTIONS].sort());
  });

  it('names in wasmOps exactly the float32 primitives that run a wasm kernel', async () => {
    const backend: WasmBackend = await backendPromise;
    const wasm = names(backend.info().wasmOps);
    const { context } = backend;
    const run = context.run.bind(context);
    let scopes = 0;
    context.run = <T>(fn: () => T): T => {
      scopes++;
      return run(fn);
    };
    try {
      for (const [name, call] of Object.entries(calls(backend))) {
        scopes = 0;
        call();
        expect(scopes > 0, `${name} ran ${scopes > 0 ? 'a wasm kernel' : 'JavaScript only'}`).toBe(wasm.includes(name));
      }
    } finally {
      Reflect.deleteProperty(context, 'run');
    }
  });
});
