import { describe, expect, it } from 'vitest';
import { Rng } from '@lec/tensor';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigh, lanczos } from '@lec/linalg';
import { gridGraph, ringGraph } from './generators.js';
import { Graph } from './graph.js';
import { csrMatVec, laplacian } from './laplacian.js';
import { sbm } from './sbm.js';
import { SpectralBasis, bandPass, heatKernel, highPass, lowPass } from './spectral.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => v - b[i]);

describe('laplacian', () => {
  const g = Graph.fromEdges(
    4,
    [
      [0, 1],
      [1, 2],
      [1, 3],
      [3, 3],
    ],
    { weights: [1, 2, 3, 5] },
  );
  const a = g.toDenseArray();
  const d = g.degrees();
  it('combinatorial L = D − A (a self-loop cancels on the diagonal)', () => {
    expect(laplacian(g).toDenseArray()).toEqual(a.map((row, i) => row.map((v, j) => (i === j ? d[i] : 0) - v)));
  });
  it('symmetric L = D^-1/2 (D − A) D^-1/2 and random walk D^-1 (D − A)', () => {
    const sym = laplacian(g, 'symmetric').toDenseArray();
    const rw = laplacian(g, 'randomWalk').toDenseArray();
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const l = (i === j ? d[i] : 0) - a[i][j];
        expect(sym[i][j]).toBeCloseTo(l / Math.sqrt(d[i] * d[j]), 14);
        expect(rw[i][j]).toBeCloseTo(l / d[i], 14);
      }
    expect(laplacian(g, 'symmetric').transpose()).toBe(laplacian(g, 'symmetric'));
  });
  it('gives isolated nodes a zero row in the normalised forms', () => {
    const h = Graph.fromEdges(3, [[0, 1]]);
    expect(laplacian(h, 'symmetric').toDenseArray()[2]).toEqual([0, 0, 0]);
    expect(() => laplacian(h, 'nope' as 'symmetric')).toThrow(/kind/);
  });
});

describe('eigendecomposition', () => {
  it('eigh gives the ring spectrum 2 − 2cos(2πk/n) with orthonormal vectors', () => {
    const n = 12;
    const { values, vectors } = eigh(laplacian(ringGraph(n)));
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n)).sort((x, y) => x - y);
    values.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
    for (let a = 0; a < n; a += 5)
      for (let b = 0; b < n; b += 3) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + a] * vectors[i * n + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
  });

  it('lanczos matches ml-matrix on a 400-node graph (largest and smallest of L_sym)', () => {
    const { graph } = sbm({ sizes: [150, 150, 100], pIn: 0.06, pOut: 0.006, seed: 7 });
    const l = laplacian(graph, 'symmetric');
    const evd = new EigenvalueDecomposition(new Matrix(l.toDenseArray()), { assumeSymmetric: true });
    const all = [...evd.realEigenvalues].sort((x, y) => x - y);
    for (const which of ['largest', 'smallest'] as const) {
      const k = 5;
      const r = lanczos(l, k, { which, seed: 1 });
      const want = which === 'largest' ? all.slice(-k) : all.slice(0, k);
      r.values.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-9));
      for (let j = 0; j < k; j++) {
        const y = Float64Array.from({ length: r.n }, (_, i) => r.vectors[i * k + j]);
        expect(norm(y)).toBeCloseTo(1, 9);
        const ly = csrMatVec(l, y);
        expect(
          norm(
            diff(
              ly,
              y.map((v) => v * r.values[j]),
            ),
          ),
        ).toBeLessThan(1e-8);
      }
    }
  });

  it('lanczos finds repeated eigenvalues (0 once per connected component)', () => {
    const g = Graph.fromEdges(9, [
      [0, 1],
      [1, 2],
      [2, 0],
      [3, 4],
      [4, 5],
      [6, 7],
      [7, 8],
      [8, 6],
    ]);
    const r = lanczos(laplacian(g), 3, { which: 'smallest' });
    r.values.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-9));
    expect(() => lanczos(laplacian(g), 0)).toThrow(/'k'/);
  });
});

describe('graph Fourier transform and spectral filters', () => {
  const n = 64;
  const ring = SpectralBasis.fromGraph(ringGraph(n));
  const smooth = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / n) + 0.5 * Math.cos((4 * Math.PI * i) / n));
  const noise = Float64Array.from(new Rng(3).normal(n), (v) => 0.3 * v);
  const noisy = smooth.map((v, i) => v + noise[i]);
  // the smooth signal lives at frequencies λ ≤ 2 − 2cos(4π/n); cut just above them
  const cutoff = 2 - 2 * Math.cos((5 * Math.PI) / n);

  it('the transform is orthonormal: inverse(gft(x)) = x and ‖x̂‖ = ‖x‖', () => {
    const xh = ring.gft(noisy);
    expect(norm(diff(ring.igft(xh), noisy))).toBeLessThan(1e-10);
    expect(norm(xh)).toBeCloseTo(norm(noisy), 10);
    // two channels at once, row-major [n, 2]
    const two = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      two[2 * i] = smooth[i];
      two[2 * i + 1] = noise[i];
    }
    expect(norm(diff(ring.igft(ring.gft(two)), two))).toBeLessThan(1e-10);
  });

  it('a low-pass filter removes high-frequency noise from a smooth signal on a ring', () => {
    const y = ring.filter(lowPass(cutoff), noisy);
    expect(norm(diff(y, smooth))).toBeLessThan(0.35 * norm(noise));
    expect(norm(diff(ring.filter(lowPass(cutoff), smooth), smooth))).toBeLessThan(1e-10);
  });

  it('a high-pass filter keeps the noise and removes the smooth part', () => {
    const y = ring.filter(highPass(cutoff), noisy);
    expect(norm(ring.filter(highPass(cutoff), smooth))).toBeLessThan(1e-10);
    // what it keeps is the noise minus its few low-frequency components
    expect(norm(diff(y, noise))).toBeLessThan(0.35 * norm(noise));
    const parts = ring.filter(lowPass(cutoff), noisy).map((v, i) => v + y[i]);
    expect(norm(diff(parts, noisy))).toBeLessThan(1e-10);
  });

  it('band-pass picks one frequency band; the heat kernel smooths on a grid', () => {
    const mode = Float64Array.from({ length: n }, (_, i) => Math.cos((6 * Math.PI * i) / n));
    const lam = 2 - 2 * Math.cos((6 * Math.PI) / n);
    const y = ring.filter(
      bandPass(lam - 1e-6, lam + 1e-6),
      smooth.map((v, i) => v + mode[i]),
    );
    expect(norm(diff(y, mode))).toBeLessThan(1e-9);
    const grid = gridGraph(8, 8);
    const basis = SpectralBasis.fromGraph(grid, { laplacian: 'symmetric' });
    const x = Float64Array.from({ length: 64 }, (_, i) => ((i % 8) + Math.floor(i / 8)) % 2); // checkerboard: the highest frequency
    const roughness = (v: Float64Array) => [...grid.edges()].reduce((s, [a, b]) => s + (v[a] - v[b]) ** 2, 0);
    const heated = basis.filter(heatKernel(2), x);
    expect(roughness(heated)).toBeLessThan(0.05 * roughness(x));
    expect(norm(diff(basis.filter(heatKernel(0), x), x))).toBeLessThan(1e-10);
  });

  it('a Lanczos basis of the k lowest modes gives the same low-pass result', () => {
    const partial = SpectralBasis.fromGraph(ringGraph(n), { k: 5 });
    expect(partial.k).toBe(5);
    const y = partial.filter(() => 1, noisy);
    const want = ring.filter(lowPass(cutoff), noisy);
    expect(norm(diff(y, want))).toBeLessThan(1e-8);
    expect(() => SpectralBasis.fromGraph(Graph.fromEdges(2, [[0, 1]], { directed: true }))).toThrow(/directed/);
  });
});
