import { CsrMatrix, Rng, ShapeError, ValueError } from '@lec/tensor';
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  type Mat,
  eigh,
  flipSigns,
  gemm,
  gram,
  lanczos,
  mat,
  orthonormalColumns,
  symmetricEigen,
  thinSvd,
  topRightSingular,
  transpose,
} from './index.js';

function randomMat(rows: number, cols: number, seed: number): Mat {
  return { rows, cols, data: new Rng(seed).normal(rows * cols) };
}

/** A random symmetric matrix Q·diag(values)·Qᵀ with the given spectrum (so repeats are exact). */
function withSpectrum(values: number[], seed: number): Mat {
  const n = values.length;
  const q = orthonormalColumns(randomMat(n, n, seed));
  const qd = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qd.data[i * n + j] = q.data[i * n + j] * values[j];
  const s = gemm(qd, q, false, true);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s.data[j * n + i] = s.data[i * n + j]; // exactly symmetric
  return s;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |QᵀQ − I| for the columns of q. */
function orthogonalityError(q: Mat): number {
  const g = gemm(q, q, true, false);
  let m = 0;
  for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) m = Math.max(m, Math.abs(g.data[i * g.cols + j] - (i === j ? 1 : 0)));
  return m;
}

describe('gemm and gram', () => {
  it('agree with a naive triple loop in all four transpose combinations', () => {
    const a = randomMat(5, 7, 1);
    const b = randomMat(7, 3, 2);
    const naive = (x: Mat, y: Mat) => {
      const out = mat(x.rows, y.cols);
      for (let i = 0; i < x.rows; i++)
        for (let j = 0; j < y.cols; j++) {
          let s = 0;
          for (let p = 0; p < x.cols; p++) s += x.data[i * x.cols + p] * y.data[p * y.cols + j];
          out.data[i * y.cols + j] = s;
        }
      return out;
    };
    const expected = naive(a, b).data;
    expect(maxAbsDiff(gemm(a, b).data, expected)).toBeLessThan(1e-12);
    expect(maxAbsDiff(gemm(transpose(a), b, true, false).data, expected)).toBeLessThan(1e-12);
    expect(maxAbsDiff(gemm(a, transpose(b), false, true).data, expected)).toBeLessThan(1e-12);
    expect(maxAbsDiff(gemm(transpose(a), transpose(b), true, true).data, expected)).toBeLessThan(1e-12);
  });

  it('gram equals xᵀx for odd and even sizes and more rows than one block', () => {
    for (const [rows, cols] of [
      [0, 3],
      [1, 1],
      [3, 4],
      [130, 5],
    ]) {
      const x = randomMat(rows, cols, rows + cols);
      expect(maxAbsDiff(gram(x).data, gemm(x, x, true, false).data)).toBeLessThan(1e-10);
    }
  });

  it('rejects mismatched inner dimensions with a ShapeError naming both', () => {
    expect(() => gemm(mat(2, 3), mat(2, 3))).toThrow(ShapeError);
    expect(() => gemm(mat(2, 3), mat(2, 3))).toThrow(/op\(a\) is 2 x 3, op\(b\) is 2 x 3/);
    expect(() => mat([[1, 2], [3]])).toThrow(/row 1 of length 1/);
    expect(() => mat(-1, 2)).toThrow(ShapeError);
  });
});

describe('symmetricEigen', () => {
  it('reconstructs s = Vᵀ·diag(λ)·V with orthonormal eigenvectors and matches ml-matrix', () => {
    for (const n of [3, 17, 60]) {
      const x = randomMat(n + 5, n, n);
      const s = gram(x);
      const { values, vectors } = symmetricEigen(s);
      for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      expect(orthogonalityError(transpose(vectors))).toBeLessThan(1e-12);
      const scaled = mat(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled.data[i * n + j] = vectors.data[i * n + j] * values[i];
      const norm = Math.max(...Array.from(s.data, Math.abs));
      expect(maxAbsDiff(gemm(vectors, scaled, true, false).data, s.data) / norm).toBeLessThan(1e-12);
      const reference = new EigenvalueDecomposition(Matrix.from1DArray(n, n, s.data), { assumeSymmetric: true });
      const sorted = reference.realEigenvalues.sort((a, b) => b - a);
      expect(maxAbsDiff(values, sorted) / norm).toBeLessThan(1e-13);
    }
  });

  it('handles sizes 0, 1 and 2', () => {
    expect(symmetricEigen(mat(0, 0)).values.length).toBe(0);
    const one = symmetricEigen(mat([[-3]]));
    expect(Array.from(one.values)).toEqual([-3]);
    expect(Array.from(one.vectors.data, Math.abs)).toEqual([1]);
    const two = symmetricEigen(
      mat([
        [1, 2],
        [2, 1],
      ]),
      { order: 'ascending' },
    );
    expect(maxAbsDiff(two.values, [-1, 3])).toBeLessThan(1e-15);
    expect(Math.abs(two.vectors.data[0] + two.vectors.data[1])).toBeLessThan(1e-15); // (1, -1)/√2
  });

  it('finds repeated eigenvalues with an orthonormal basis of each eigenspace', () => {
    const spectrum = [5, 2, 2, 2, -1, -1, 0];
    const s = withSpectrum(spectrum, 3);
    const { values, vectors } = symmetricEigen(s);
    expect(maxAbsDiff(values, [5, 2, 2, 2, 0, -1, -1])).toBeLessThan(1e-13);
    expect(orthogonalityError(transpose(vectors))).toBeLessThan(1e-13);
    // every eigenvector satisfies s·v = λ·v
    const sv = gemm(s, vectors, false, true); // column i = s·v_i
    for (let i = 0; i < 7; i++)
      for (let r = 0; r < 7; r++) expect(Math.abs(sv.data[r * 7 + i] - values[i] * vectors.data[i * 7 + r])).toBeLessThan(1e-13);
  });

  it('rejects a non-square matrix, a bad order and non-finite entries with typed errors', () => {
    expect(() => symmetricEigen(mat(2, 3))).toThrow(ShapeError);
    expect(() => symmetricEigen(mat(2, 3))).toThrow(/square matrix, got 2 x 3/);
    expect(() =>
      symmetricEigen(
        mat([
          [1, Number.NaN],
          [Number.NaN, 1],
        ]),
      ),
    ).toThrow(ValueError);
    expect(() =>
      symmetricEigen(
        mat([
          [1, 0],
          [0, Number.POSITIVE_INFINITY],
        ]),
      ),
    ).toThrow(/Infinity at \(1, 1\)/);
    expect(() => symmetricEigen(mat(1, 1), { order: 'up' as 'ascending' })).toThrow(/'order'/);
  });
});

describe('eigh', () => {
  it('gives ascending values and column eigenvectors, from nested arrays or CSR', () => {
    const dense = [
      [2, -1, 0],
      [-1, 2, -1],
      [0, -1, 2],
    ];
    const a = eigh(dense);
    expect(maxAbsDiff(a.values, [2 - Math.SQRT2, 2, 2 + Math.SQRT2])).toBeLessThan(1e-14);
    const csr = CsrMatrix.fromCoo(3, 3, [0, 0, 1, 1, 1, 2, 2], [0, 1, 0, 1, 2, 1, 2], [2, -1, -1, 2, -1, -1, 2]);
    const b = eigh(csr);
    expect(maxAbsDiff(b.values, a.values)).toBe(0);
    // column j of vectors is the eigenvector of values[j]
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 3; i++) {
        let sv = 0;
        for (let p = 0; p < 3; p++) sv += dense[i][p] * a.vectors[p * 3 + j];
        expect(Math.abs(sv - a.values[j] * a.vectors[i * 3 + j])).toBeLessThan(1e-14);
      }
    expect(eigh([]).n).toBe(0);
    expect(() => eigh([[1, 2]])).toThrow(ValueError);
  });
});

describe('thinSvd, topRightSingular and flipSigns', () => {
  it('reconstructs x = U·diag(s)·Vᵀ with orthonormal factors, tall and wide, and matches ml-matrix', () => {
    for (const [rows, cols] of [
      [9, 4],
      [4, 9],
      [1, 3],
      [3, 1],
      [2, 2],
    ]) {
      const x = randomMat(rows, cols, rows * 10 + cols);
      const { s, vt, u } = thinSvd(x, true);
      const r = Math.min(rows, cols);
      expect(s.length).toBe(r);
      if (u === null) throw new Error('thinSvd(x, true) returned no U');
      expect(orthogonalityError(u)).toBeLessThan(1e-12);
      expect(orthogonalityError(transpose(vt))).toBeLessThan(1e-12);
      const us = mat(rows, r);
      for (let i = 0; i < rows; i++) for (let j = 0; j < r; j++) us.data[i * r + j] = u.data[i * r + j] * s[j];
      expect(maxAbsDiff(gemm(us, vt).data, x.data)).toBeLessThan(1e-12);
      const reference = new SingularValueDecomposition(Matrix.from1DArray(rows, cols, x.data), { autoTranspose: true });
      expect(maxAbsDiff(s, reference.diagonal.slice(0, r))).toBeLessThan(1e-12);
    }
  });

  it('handles empty matrices and rejects non-finite input', () => {
    const empty = thinSvd(mat(0, 3), true);
    expect(empty.s.length).toBe(0);
    expect(empty.vt.cols).toBe(3);
    expect(empty.u?.rows).toBe(0);
    expect(() => thinSvd(mat([[Number.NaN]]))).toThrow(ValueError);
  });

  it('topRightSingular agrees with the full SVD on the top k, wide and tall', () => {
    for (const [rows, cols, k] of [
      [6, 40, 3],
      [40, 6, 2],
      [5, 5, 5],
    ]) {
      const x = randomMat(rows, cols, rows + 2 * cols);
      const full = thinSvd(x);
      const top = topRightSingular(x, k);
      expect(maxAbsDiff(top.s, full.s.slice(0, k))).toBeLessThan(1e-10);
      // same subspace: |⟨v_i, w_i⟩| = 1 for distinct singular values
      for (let i = 0; i < k; i++) {
        let d = 0;
        for (let j = 0; j < cols; j++) d += top.vt.data[i * cols + j] * full.vt.data[i * cols + j];
        expect(Math.abs(Math.abs(d) - 1)).toBeLessThan(1e-8);
      }
    }
    expect(() => topRightSingular(mat(2, 3), 3)).toThrow(/'k' expected an integer in \[0, 2\]/);
  });

  it('flipSigns makes the largest entry of each row positive and flips U with it', () => {
    const vt = mat([
      [0.1, -0.9],
      [0.8, 0.2],
    ]);
    const u = mat([
      [1, 2],
      [3, 4],
    ]);
    flipSigns(vt, u);
    expect(Array.from(vt.data)).toEqual([-0.1, 0.9, 0.8, 0.2]);
    expect(Array.from(u.data)).toEqual([-1, 2, -3, 4]);
    expect(() => flipSigns(vt, mat(2, 3))).toThrow(ShapeError);
  });
});

describe('orthonormalColumns', () => {
  it('spans the columns of x with orthonormal columns, also for rank-deficient x', () => {
    const x = randomMat(20, 6, 7);
    const q = orthonormalColumns(x);
    expect(orthogonalityError(q)).toBeLessThan(1e-14);
    // x = Q·(Qᵀx): the columns of x lie in span(Q)
    expect(maxAbsDiff(gemm(q, gemm(q, x, true, false)).data, x.data)).toBeLessThan(1e-12);
    const deficient = mat([
      [1, 2, 0],
      [1, 2, 0],
      [0, 0, 0],
      [1, 2, 0],
    ]);
    expect(orthogonalityError(orthonormalColumns(deficient))).toBeLessThan(1e-14);
    expect(orthonormalColumns(mat(3, 0)).cols).toBe(0);
    expect(() => orthonormalColumns(mat(2, 3))).toThrow(/tall matrix \(rows >= cols\), got 2 x 3/);
  });
});

describe('lanczos', () => {
  /** The Laplacian of a ring of n nodes: eigenvalues 2 − 2cos(2πj/n), each but 0 and (even n) 4 twice. */
  function ringLaplacian(n: number): CsrMatrix {
    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      rows.push(i, i, i);
      cols.push(i, (i + 1) % n, (i + n - 1) % n);
      values.push(2, -1, -1);
    }
    return CsrMatrix.fromCoo(n, n, rows, cols, values);
  }

  it('finds the extreme eigenpairs of a ring Laplacian (repeated eigenvalues) as eigh does', () => {
    const l = ringLaplacian(60);
    const all = eigh(l);
    const small = lanczos(l, 5, { which: 'smallest' });
    expect(maxAbsDiff(small.values, all.values.slice(0, 5))).toBeLessThan(1e-9);
    // the largest of a path graph's adjacency (distinct eigenvalues 2cos(πj/41)); from one start
    // vector Lanczos sees one copy of a repeated eigenvalue until rounding brings the other in
    const path = CsrMatrix.fromCoo(
      40,
      40,
      Array.from({ length: 39 }, (_, i) => [i, i + 1]).flat(),
      Array.from({ length: 39 }, (_, i) => [i + 1, i]).flat(),
    );
    const large = lanczos(path, 3, { which: 'largest' });
    expect(maxAbsDiff(large.values, eigh(path).values.slice(37))).toBeLessThan(1e-9);
    // residuals ‖L·y − θ·y‖ and orthonormal vectors
    const q = { rows: 60, cols: 5, data: small.vectors };
    expect(orthogonalityError(q)).toBeLessThan(1e-9);
    const dense = l.toDenseArray();
    for (let j = 0; j < 5; j++)
      for (let i = 0; i < 60; i++) {
        let s = 0;
        for (let p = 0; p < 60; p++) s += dense[i][p] * small.vectors[p * 5 + j];
        expect(Math.abs(s - small.values[j] * small.vectors[i * 5 + j])).toBeLessThan(1e-8);
      }
  });

  it('handles disconnected graphs (breakdown and restart) and n = 1, 2', () => {
    // two disjoint edges: eigenvalues 0, 0, 2, 2
    const l = CsrMatrix.fromCoo(4, 4, [0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 0, 1, 2, 3, 2, 3], [1, -1, -1, 1, 1, -1, -1, 1]);
    expect(maxAbsDiff(lanczos(l, 4).values, [0, 0, 2, 2])).toBeLessThan(1e-12);
    expect(Array.from(lanczos(CsrMatrix.fromCoo(1, 1, [0], [0], [7]), 1).values)).toEqual([7]);
    expect(maxAbsDiff(lanczos(CsrMatrix.fromCoo(2, 2, [0, 1], [1, 0], [1, 1]), 2).values, [-1, 1])).toBeLessThan(1e-14);
  });

  it('rejects bad arguments and an unconverged basis with ValueErrors', () => {
    const l = ringLaplacian(50);
    expect(() => lanczos(CsrMatrix.fromCoo(2, 3, [], []), 1)).toThrow(/square matrix, got 2 x 3/);
    expect(() => lanczos(l, 0)).toThrow(/'k' expected an integer in \[1, 50\]/);
    expect(() => lanczos(l, 1, { which: 'middle' as 'largest' })).toThrow(/'which'/);
    expect(() => lanczos(l, 1, { tol: 0 })).toThrow(/'tol'/);
    expect(() => lanczos(l, 2, { maxBasis: 1 })).toThrow(/'maxBasis'/);
    expect(() => lanczos(l, 5, { which: 'smallest', maxBasis: 6, tol: 1e-14 })).toThrow(/did not converge/);
  });
});
