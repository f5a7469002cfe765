import { describe, expect, it } from 'vitest';
import { CsrMatrix } from '@lec/tensor';
import { Graph } from './graph.js';
import { GraphError, NodeIdError } from './errors.js';
import { csrMatrix, rowNormalize, SparseFeatures, transposePattern } from './csr.js';
import { Rng } from '@lec/tensor';

describe('Graph', () => {
  it('builds an undirected graph: both directions stored, degrees, edges', () => {
    const g = Graph.fromEdges(4, [
      [0, 1],
      [1, 2],
      [2, 0],
      [2, 3],
    ]);
    expect(g.numNodes).toBe(4);
    expect(g.numEdges).toBe(4);
    expect(g.nnz).toBe(8);
    expect(Array.from(g.degrees())).toEqual([2, 2, 3, 1]);
    expect(Array.from(g.neighbors(2))).toEqual([0, 1, 3]);
    expect(g.hasEdge(3, 2)).toBe(true);
    expect(g.hasEdge(0, 3)).toBe(false);
    expect([...g.edges()]).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [1, 2, 1],
      [2, 3, 1],
    ]);
    expect(g.toDenseArray()).toEqual([
      [0, 1, 1, 0],
      [1, 0, 1, 0],
      [1, 1, 0, 1],
      [0, 0, 1, 0],
    ]);
  });

  it('builds from typed arrays, directed and weighted', () => {
    const g = Graph.fromArrays(3, Int32Array.of(0, 1, 2), Int32Array.of(1, 2, 0), { directed: true, weights: Float64Array.of(0.5, 2, 3) });
    expect(g.directed).toBe(true);
    expect(g.weighted).toBe(true);
    expect(g.numEdges).toBe(3);
    expect(g.weight(0, 1)).toBe(0.5);
    expect(g.weight(1, 0)).toBe(0);
    expect(Array.from(g.degrees())).toEqual([0.5, 2, 3]);
    expect(g.adjacency().transpose().toDenseArray()).toEqual([
      [0, 0, 3],
      [0.5, 0, 0],
      [0, 2, 0],
    ]);
  });

  it('states its duplicate policy: merge (default), sum, or error; (u,v) and (v,u) are one undirected edge', () => {
    const edges: [number, number][] = [
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 2],
    ];
    const merged = Graph.fromEdges(3, edges);
    expect(merged.numEdges).toBe(2);
    expect(merged.weight(0, 1)).toBe(1);
    const summed = Graph.fromEdges(3, edges, { duplicates: 'sum' });
    expect(summed.weight(0, 1)).toBe(3);
    expect(summed.weight(1, 0)).toBe(3);
    expect(() => Graph.fromEdges(3, edges, { duplicates: 'error' })).toThrow(GraphError);
    expect(() => Graph.fromEdges(3, edges, { duplicates: 'error' })).toThrow(/edge 1 \(1, 0\) repeats edge 0 \(0, 1\)/);
    // merge keeps the first weight; directed graphs keep both directions
    expect(
      Graph.fromEdges(
        2,
        [
          [0, 1],
          [1, 0],
        ],
        { weights: [4, 7] },
      ).weight(1, 0),
    ).toBe(4);
    expect(
      Graph.fromEdges(
        2,
        [
          [0, 1],
          [1, 0],
        ],
        { directed: true },
      ).numEdges,
    ).toBe(2);
  });

  it('keeps self-loops once on the diagonal, or drops them', () => {
    const g = Graph.fromEdges(2, [
      [0, 0],
      [0, 1],
    ]);
    expect(g.numSelfLoops).toBe(1);
    expect(g.numEdges).toBe(2);
    expect(Array.from(g.degrees())).toEqual([2, 1]);
    expect(g.adjacency({ selfLoopWeight: 1 }).toDenseArray()).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(
      Graph.fromEdges(
        2,
        [
          [0, 0],
          [0, 1],
        ],
        { selfLoops: 'drop' },
      ).numEdges,
    ).toBe(1);
  });

  it('throws typed errors for bad node ids, weights and lengths', () => {
    expect(() => Graph.fromEdges(3, [[0, 3]])).toThrow(NodeIdError);
    expect(() => Graph.fromEdges(3, [[0, 3]])).toThrow(/edge 0 has target 3, expected an integer node id in \[0, 3\)/);
    expect(() => Graph.fromEdges(3, [[-1, 0]])).toThrow(NodeIdError);
    expect(() => Graph.fromEdges(3, [[0.5, 1]])).toThrow(NodeIdError);
    expect(() => Graph.fromArrays(3, [0], [1, 2])).toThrow(GraphError);
    expect(() => Graph.fromEdges(3, [[0, 1]], { weights: [-1] })).toThrow(/weight -1/);
    expect(() => Graph.fromEdges(3, [[0, 1]]).neighbors(7)).toThrow(NodeIdError);
    expect(() => Graph.fromEdges(3, [[0, 1]]).hasEdge(0, -1)).toThrow(NodeIdError);
  });

  it('normalizedAdjacency is D̃^-1/2 (A + I) D̃^-1/2, cached, symmetric and its own transpose', () => {
    const g = Graph.fromEdges(4, [
      [0, 1],
      [1, 2],
      [1, 3],
    ]);
    const a = g.normalizedAdjacency();
    expect(g.normalizedAdjacency()).toBe(a);
    expect(a.transpose()).toBe(a);
    const dense = g.toDenseArray().map((row, i) => row.map((v, j) => v + (i === j ? 1 : 0)));
    const d = dense.map((row) => row.reduce((s, v) => s + v, 0));
    const got = a.toDenseArray();
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(got[i][j]).toBeCloseTo(dense[i][j] / Math.sqrt(d[i] * d[j]), 14);
  });

  it('builds 10^6 stored entries (counting sort; rows come out sorted)', () => {
    const rng = new Rng(3);
    const m = 500_000;
    const src = new Int32Array(m);
    const dst = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      src[e] = rng.int(100_000);
      dst[e] = rng.int(100_000);
    }
    const g = Graph.fromArrays(100_000, src, dst);
    for (let r = 0; r < 1000; r++)
      for (let p = g.rowPtr[r] + 1; p < g.rowPtr[r + 1]; p++) expect(g.colIdx[p]).toBeGreaterThan(g.colIdx[p - 1]);
    expect(g.nnz).toBeGreaterThan(990_000);
  });
});

describe('CSR helpers', () => {
  it('transposePattern and csrMatrix match CsrMatrix.transpose', () => {
    const a = CsrMatrix.fromCoo(3, 4, [0, 0, 1, 2, 2], [3, 1, 0, 1, 3], [1, 2, 3, 4, 5]);
    const b = csrMatrix(3, 4, a.rowPtr, a.colIdx, a.values);
    expect(b.transpose().toDenseArray()).toEqual(a.transpose().toDenseArray());
    expect(b.transpose().transpose()).toBe(b);
    expect(Array.from(transposePattern(a).rowPtr)).toEqual([0, 1, 3, 3, 5]);
  });

  it('rowNormalize divides by row sums and leaves empty rows alone', () => {
    const a = CsrMatrix.fromCoo(3, 3, [0, 0, 2], [0, 2, 1], [1, 3, 5]);
    expect(rowNormalize(a).toDenseArray()).toEqual([
      [0.25, 0, 0.75],
      [0, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('SparseFeatures.dropout is seeded, removes the dropped entries, and keeps the expectation', () => {
    const n = 20_000;
    const x = new SparseFeatures(
      CsrMatrix.fromCoo(
        1,
        n,
        new Array(n).fill(0),
        Array.from({ length: n }, (_, i) => i),
        new Array(n).fill(1),
      ),
    );
    const a = x.dropout(0.5, new Rng(7));
    const b = x.dropout(0.5, new Rng(7));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.colIdx)).toEqual(Array.from(b.colIdx));
    expect(a.values.every((v) => v === 2)).toBe(true);
    expect(Math.abs(a.nnz / n - 0.5)).toBeLessThan(0.02);
    const mean = a.values.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(a.transpose().toDenseArray().length).toBe(n);
    expect(x.dropout(0, new Rng(0))).toBe(x.matrix);
    expect(() => x.dropout(1, new Rng(0))).toThrow(/rate/);
  });

  it('SparseFeatures.dropout keeps values in place and gives the transpose of what it keeps', () => {
    const m = CsrMatrix.fromCoo(
      30,
      20,
      Array.from({ length: 300 }, (_, i) => (i * 7) % 30),
      Array.from({ length: 300 }, (_, i) => (i * 13) % 20),
      Array.from({ length: 300 }, (_, i) => 1 + (i % 5)),
    );
    const full = m.toDenseArray();
    const x = new SparseFeatures(m);
    for (const rate of [0.5, 0.25, 0.1]) {
      const d = x.dropout(rate, new Rng(3));
      const kept = d.toDenseArray();
      for (let r = 0; r < 30; r++)
        for (let c = 0; c < 20; c++) {
          const v = kept[r][c];
          if (v !== 0) expect(v).toBeCloseTo(full[r][c] / (1 - rate), 12);
        }
      expect(d.transpose().toDenseArray()).toEqual(kept[0].map((_, c) => kept.map((row) => row[c])));
      expect(d.transpose().transpose()).toBe(d);
      for (let r = 0; r < 30; r++)
        for (let p = d.rowPtr[r] + 1; p < d.rowPtr[r + 1]; p++) expect(d.colIdx[p]).toBeGreaterThan(d.colIdx[p - 1]);
    }
  });
});
