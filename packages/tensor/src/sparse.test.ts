import { describe, expect, it } from 'vitest';
import { CsrMatrix, Rng, jsBackend } from './index.js';

/** A random sparse rows×cols matrix with about `density` of its entries stored. */
function randomCsr(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  const u = rng.uniform(rows * cols);
  const values = rng.normal(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (u[i * cols + j] < density) {
        r.push(i);
        c.push(j);
        v.push(values[i * cols + j]);
      }
  return CsrMatrix.fromCoo(rows, cols, r, c, v);
}

function denseTranspose(a: number[][], rows: number, cols: number): number[][] {
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => a[i][j]));
}

describe('CsrMatrix.transpose', () => {
  it('equals the dense transpose, with ascending columns per row, for edge shapes', () => {
    for (const [rows, cols, density] of [
      [0, 0, 0.5],
      [0, 4, 0.5],
      [4, 0, 0.5],
      [1, 1, 1],
      [3, 7, 0],
      [17, 5, 0.3],
      [40, 90, 0.05],
    ]) {
      const a = randomCsr(rows, cols, density, rows * 100 + cols);
      const t = a.transpose();
      expect([t.rows, t.cols]).toEqual([cols, rows]);
      expect(t.nnz).toBe(a.nnz);
      expect(t.toDenseArray()).toEqual(denseTranspose(a.toDenseArray(), rows, cols));
      for (let r = 0; r < t.rows; r++)
        for (let p = t.rowPtr[r] + 1; p < t.rowPtr[r + 1]; p++) expect(t.colIdx[p]).toBeGreaterThan(t.colIdx[p - 1]);
      expect(t.transpose()).toBe(a); // computed once, linked both ways
      expect(a.transpose()).toBe(t);
    }
  });

  it('keeps duplicate entries of a hand-built CSR (they still sum)', () => {
    const a = new CsrMatrix(1, 2, Int32Array.of(0, 3), Int32Array.of(1, 0, 1), [2, 5, 3]);
    expect(a.transpose().toDenseArray()).toEqual([[5], [5]]);
  });

  it('returns the matrix itself when it is symmetric, and a copy when it is square but not', () => {
    const s = CsrMatrix.fromCoo(3, 3, [0, 1, 1, 2, 2], [1, 0, 2, 1, 2], [4, 4, -1, -1, 7]);
    expect(s.transpose()).toBe(s);
    const n = CsrMatrix.fromCoo(3, 3, [0, 1], [1, 0], [4, 5]); // same pattern, other values
    expect(n.transpose()).not.toBe(n);
    expect(n.transpose().toDenseArray()).toEqual(denseTranspose(n.toDenseArray(), 3, 3));
  });

  it('takes a declared-symmetric matrix as its own transpose, and rejects a non-square one', () => {
    const s = new CsrMatrix(2, 2, Int32Array.of(0, 1, 2), Int32Array.of(1, 0), [0.1 * 3, 0.3], { symmetric: true });
    expect(s.transpose()).toBe(s);
    expect(() => new CsrMatrix(1, 2, Int32Array.of(0, 1), Int32Array.of(1), [1], { symmetric: true })).toThrow(
      /option 'symmetric' needs a square matrix, got 1 x 2/,
    );
  });

  it('links a supplied transpose both ways and checks its shape', () => {
    const a = randomCsr(5, 3, 0.5, 2);
    const t = new CsrMatrix(3, 5, a.transpose().rowPtr, a.transpose().colIdx, a.transpose().values);
    const b = new CsrMatrix(5, 3, a.rowPtr, a.colIdx, a.values, { transpose: t });
    expect(b.transpose()).toBe(t);
    expect(t.transpose()).toBe(b);
    expect(() => new CsrMatrix(5, 3, a.rowPtr, a.colIdx, a.values, { transpose: t })).toThrow(/already linked/);
    expect(() => new CsrMatrix(5, 3, a.rowPtr, a.colIdx, a.values, { transpose: a })).toThrow(
      /option 'transpose' expected a 3 x 5 matrix with \d+ entries, got 5 x 3/,
    );
  });

  it('dispose frees the backend copies of the matrix and of its transpose', () => {
    const backend = jsBackend();
    const before = backend.liveBuffers();
    const a = randomCsr(6, 4, 0.5, 1);
    a.tensorsOn(backend, 'float32');
    a.transpose().tensorsOn(backend, 'float32');
    expect(backend.liveBuffers()).toBeGreaterThan(before);
    a.dispose();
    expect(backend.liveBuffers()).toBe(before);
    // used again, the copies are made again
    expect(a.transpose().tensorsOn(backend, 'float32').values.isDisposed).toBe(false);
    a.dispose();
    expect(backend.liveBuffers()).toBe(before);
  });
});
