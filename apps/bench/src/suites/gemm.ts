/**
 * gemm: C = op(A)·op(B) in float32. Square 256/512/1024, the training shapes of an MLP layer
 * (64×784·784×128) and a wide layer (32×512·512×2048), and the backprop products of the
 * 64×784·784×128 layer: dX = dY·Wᵀ (A·Bᵀ) and dW = Xᵀ·dY (Aᵀ·B). `fresh` cases make new
 * operand tensors from host arrays inside every timed call (upload + product + dispose).
 */
import { data } from '../harness/data.js';
import { gemmRef } from '../harness/reference.js';
import { referenceOf } from '../harness/run-case.js';
import type { GemmProblem, Impl, Suite, SuiteContext } from '../harness/types.js';
import { runOnImpls } from './common.js';

export interface GemmCase extends GemmProblem {
  id: string;
  /** Fresh operand tensors made from host arrays inside every timed call (`gemmFresh`). */
  fresh?: boolean;
  /** Square size, for the GFLOP/s-against-size chart. */
  square?: number;
}

function label(p: GemmProblem): string {
  const a = p.transposeA ? `(${p.k}x${p.m})ᵀ` : `${p.m}x${p.k}`;
  const b = p.transposeB ? `(${p.n}x${p.k})ᵀ` : `${p.k}x${p.n}`;
  const kind = p.transposeA ? 'Aᵀ·B ' : p.transposeB ? 'A·Bᵀ ' : '';
  return `${kind}${a}·${b}`;
}

function gemmCase(m: number, k: number, n: number, transposeA = false, transposeB = false, square?: number): GemmCase {
  const p = { m, n, k, transposeA, transposeB };
  return { ...p, id: label(p), square };
}

/** The same product with fresh operands per call (what an inference call on new data costs). */
function fresh(c: GemmCase): GemmCase {
  return { ...c, id: `fresh ${c.id}`, fresh: true, square: undefined };
}

export function gemmCases(ctx: Pick<SuiteContext, 'tiny'>): GemmCase[] {
  if (ctx.tiny) return [gemmCase(8, 12, 8, false, false, 8), gemmCase(8, 12, 8, false, true), fresh(gemmCase(8, 12, 8))];
  return [
    ...[256, 512, 1024].map((s) => gemmCase(s, s, s, false, false, s)),
    gemmCase(64, 784, 128),
    gemmCase(32, 512, 2048),
    gemmCase(64, 128, 784, false, true), // dX[64,784] = dY[64,128]·W[784,128]ᵀ
    gemmCase(784, 64, 128, true, false), // dW[784,128] = X[64,784]ᵀ·dY[64,128]
    ...[gemmCase(256, 256, 256), gemmCase(64, 784, 128), gemmCase(32, 512, 2048)].map(fresh),
  ];
}

export const gemm: Suite = {
  name: 'gemm',
  description: 'float32 matrix products (GFLOP/s), plain and transposed',
  steps: (ctx) => gemmCases(ctx).length * ctx.impls.length,
  async run(ctx) {
    let seed = 1;
    for (const c of gemmCases(ctx)) {
      const a = data(c.m * c.k, seed++);
      const b = data(c.k * c.n, seed++);
      const spec = {
        suite: 'gemm',
        caseId: c.id,
        flops: 2 * c.m * c.n * c.k,
        k: c.k,
        expected: referenceOf((x, y) => gemmRef(c, x, y), a, b),
        metrics: {
          m: c.m,
          n: c.n,
          k: c.k,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          ...(c.square ? { square: c.square } : {}),
          ...(c.fresh ? { fresh: true } : {}),
        },
      };
      const prepare = c.fresh
        ? (impl: Impl) => (impl.gemmFresh ? () => impl.gemmFresh!(c, a, b) : undefined)
        : (impl: Impl) => (impl.gemm ? () => impl.gemm!(c, a, b) : undefined);
      await runOnImpls(ctx, spec, prepare, c.fresh ? 'no fresh-operand gemm in this impl' : 'no gemm in this impl');
    }
  },
};
