import { describe, expect, it } from 'vitest';
import { sbm } from './sbm.js';

describe('sbm', () => {
  it('is deterministic per seed and has no self-loops or repeated edges', () => {
    const a = sbm({ sizes: [30, 40], pIn: 0.3, pOut: 0.05, seed: 4 });
    const b = sbm({ sizes: [30, 40], pIn: 0.3, pOut: 0.05, seed: 4 });
    expect(Array.from(a.graph.colIdx)).toEqual(Array.from(b.graph.colIdx));
    expect(sbm({ sizes: [30, 40], pIn: 0.3, pOut: 0.05, seed: 5 }).graph.nnz).not.toBe(a.graph.nnz);
    expect(a.graph.numSelfLoops).toBe(0);
    expect(Array.from(a.labels.slice(28, 32))).toEqual([0, 0, 1, 1]);
  });

  it('matches the expected densities inside and between blocks', () => {
    const sizes = [1000, 1500, 500];
    const pIn = 0.01;
    const pOut = 0.001;
    const { graph, labels } = sbm({ sizes, pIn, pOut, seed: 1 });
    let inside = 0;
    let between = 0;
    for (const [u, v] of graph.edges()) labels[u] === labels[v] ? inside++ : between++;
    const pairsIn = sizes.reduce((s, n) => s + (n * (n - 1)) / 2, 0);
    const pairsOut = (3000 * 2999) / 2 - pairsIn;
    // within 5 standard deviations of the binomial means
    expect(Math.abs(inside - pIn * pairsIn)).toBeLessThan(5 * Math.sqrt(pIn * pairsIn));
    expect(Math.abs(between - pOut * pairsOut)).toBeLessThan(5 * Math.sqrt(pOut * pairsOut));
  });

  it('covers every pair uniformly (p = 1 gives the complete block graph, p = 0 none)', () => {
    const { graph } = sbm({ sizes: [5, 3], pIn: 1, pOut: 0, seed: 0 });
    expect(graph.numEdges).toBe(10 + 3);
    const full = sbm({ sizes: [4, 4], pIn: 1, pOut: 1 }).graph;
    expect(full.numEdges).toBe(28);
  });

  it('samples 10^6 edges without enumerating all pairs', () => {
    const { graph } = sbm({ sizes: [50_000, 50_000], pIn: 3.6e-4, pOut: 4e-5, seed: 2 });
    expect(graph.numEdges).toBeGreaterThan(900_000);
    expect(graph.numEdges).toBeLessThan(1_100_000);
  });

  it('rejects bad arguments', () => {
    expect(() => sbm({ sizes: [], pIn: 0.1, pOut: 0.1 })).toThrow(/sizes/);
    expect(() => sbm({ sizes: [3, 0], pIn: 0.1, pOut: 0.1 })).toThrow(/sizes/);
    expect(() => sbm({ sizes: [3], pIn: 1.5, pOut: 0.1 })).toThrow(/pIn/);
  });
});
