/**
 * Peer: ml-matrix (pure JS, float64 arithmetic, one thread), gemm only. Transposed operands
 * are handled the way a user would write it: `a.transpose().mmul(b)`, timed as a whole.
 */
import type { GemmProblem, Impl, ImplFactory, Runner } from '../harness/types.js';

type MlMatrix = typeof import('ml-matrix');

class MlMatrixImpl implements Impl {
  readonly name = 'ml-matrix';
  readonly threads = 1;
  readonly kind = 'peer' as const;
  notes: string[] = [];
  private ml!: MlMatrix;

  async setup(): Promise<void> {
    this.ml = await import('ml-matrix');
    this.notes.push('ml-matrix computes in float64 (JS numbers); transposes are part of its timed call');
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const { Matrix } = this.ml;
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
