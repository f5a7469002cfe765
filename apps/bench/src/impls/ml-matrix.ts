/**
 * Peer: ml-matrix (pure JS, float64 arithmetic, one thread), gemm only. Transposed operands
 * are handled the way a user would write it: `a.transpose().mmul(b)`, timed as a whole.
 */
import type { GemmProblem, Impl, ImplFactory, Runner } from '../harness/types.js';

type MatrixClass = typeof import('ml-matrix').Matrix;

class MlMatrixImpl implements Impl {
  readonly name = 'ml-matrix';
  readonly threads = 1;
  readonly kind = 'peer' as const;
  notes: string[] = [];
  private Matrix!: MatrixClass;

  async setup(): Promise<void> {
    const mod = (await import('ml-matrix')) as unknown as { Matrix?: MatrixClass; default?: { Matrix: MatrixClass } };
    this.Matrix = mod.Matrix ?? mod.default!.Matrix;
    this.notes.push('ml-matrix computes in float64 (JS numbers); transposes are part of its timed call');
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const Matrix = this.Matrix;
    const ma = Matrix.from1DArray(p.transposeA ? p.k : p.m, p.transposeA ? p.m : p.k, Array.from(a));
    const mb = Matrix.from1DArray(p.transposeB ? p.n : p.k, p.transposeB ? p.k : p.n, Array.from(b));
    let out: InstanceType<typeof Matrix> | null = null;
    return {
      run() {
        out = (p.transposeA ? ma.transpose() : ma).mmul(p.transposeB ? mb.transpose() : mb);
      },
      read() {
        if (!out) throw new Error('read before run');
        return Float32Array.from(out.to1DArray());
      },
      dispose() {
        out = null;
      },
    };
  }

  dispose(): void {}
}

export const mlMatrix: ImplFactory = { family: 'ml-matrix', create: () => [new MlMatrixImpl()] };
