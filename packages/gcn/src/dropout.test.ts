import { gradCheck } from '@lec/backend-tests';
import { CsrMatrix, Rng, type Tensor, f64Backend, jsBackend, mul, ones, randn, sum, tensor, valueAndGrad, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { SparseFeatures, denseToCsr, density } from './csr.js';
import { dropDecisions, maskedDropout } from './dropout.js';
import { GCNConv } from './gcn-conv.js';
import { Graph } from './graph.js';
import { trainGCN } from './train.js';

const graph = Graph.fromEdges(6, [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 5],
  [5, 0],
  [0, 3],
]);

describe('dropDecisions', () => {
  it('drops each entry with probability rate, for dyadic and other rates', () => {
    const n = 200_000;
    for (const rate of [0.5, 0.25, 0.75, 0.125, 0.1, 0.3, 1 / 3]) {
      const d = dropDecisions(n, rate, new Rng(11));
      const frac = d.reduce((s, v) => s + v, 0) / n;
      // 5 standard deviations of a binomial proportion
      expect(Math.abs(frac - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / n));
    }
  });

  it('gives independent decisions: no correlation between neighbours sharing a random word', () => {
    const n = 200_000;
    const d = dropDecisions(n, 0.5, new Rng(5));
    let both = 0;
    for (let i = 0; i + 1 < n; i += 2) both += d[i] & d[i + 1];
    expect(Math.abs(both / (n / 2) - 0.25)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / (n / 2)));
  });

  it('is reproducible per seed, all zeros at rate 0, and rejects rates outside [0, 1)', () => {
    expect(Array.from(dropDecisions(100, 0.5, new Rng(2)))).toEqual(Array.from(dropDecisions(100, 0.5, new Rng(2))));
    expect(Array.from(dropDecisions(100, 0.5, new Rng(2)))).not.toEqual(Array.from(dropDecisions(100, 0.5, new Rng(3))));
    expect(dropDecisions(50, 0, new Rng(0)).every((v) => v === 0)).toBe(true);
    expect(() => dropDecisions(5, 1, new Rng(0))).toThrow(/rate/);
    expect(() => dropDecisions(5, -0.1, new Rng(0))).toThrow(/rate/);
  });
});

describe('maskedDropout', () => {
  it('zeroes or scales each entry, and its gradient is the same mask', () =>
    withBackend(f64Backend(), () => {
      const x = randn([40, 8], { seed: 1, dtype: 'float64' });
      const y = maskedDropout(x, 0.5, new Rng(4));
      const mask = maskedDropout(ones([40, 8], { dtype: 'float64' }), 0.5, new Rng(4));
      const xs = x.dataSync();
      const ys = y.dataSync();
      const ms = mask.dataSync();
      for (let i = 0; i < xs.length; i++) {
        expect(ms[i] === 0 || ms[i] === 2).toBe(true);
        expect(ys[i]).toBe(xs[i] * ms[i]);
      }
      const { grads } = valueAndGrad((t: Tensor) => sum(mul(maskedDropout(t, 0.5, new Rng(4)), 3)))(x);
      expect(Array.from(grads[0].dataSync())).toEqual(Array.from(ms, (m) => 3 * m));
      expect(maskedDropout(x, 0, new Rng(0))).toBe(x);
    }));

  it('drops exactly the entries dropDecisions draws from the same generator, for every rate form', () => {
    for (const rate of [0.5, 0.25, 0.75, 0.1, 1 / 3]) {
      for (const size of [1, 31, 32, 33, 1000]) {
        const decisions = dropDecisions(size, rate, new Rng(9));
        const mask = maskedDropout(ones([size]), rate, new Rng(9)).dataSync();
        const keep = Math.fround(1 / (1 - rate));
        expect(Array.from(mask)).toEqual(Array.from(decisions, (d) => (d ? 0 : keep)));
      }
    }
  });

  it('gives fresh masks while reusing its scratch: earlier outputs stay as they were', () => {
    const rng = new Rng(3);
    const a = maskedDropout(ones([64, 8]), 0.5, rng);
    const before = Array.from(a.dataSync());
    const b = maskedDropout(ones([32, 8]), 0.5, rng);
    maskedDropout(ones([64, 8], { dtype: 'float64' }), 0.5, rng);
    expect(Array.from(a.dataSync())).toEqual(before);
    expect(b.shape).toEqual([32, 8]);
    expect(Array.from(b.dataSync())).not.toEqual(before.slice(0, 256));
  });
});

describe('sparse features', () => {
  it('denseToCsr keeps the nonzeros; density counts them', () => {
    const x = tensor([
      [0, 1.5, 0],
      [0, 0, 0],
      [-2, 0, 3],
    ]);
    const c = denseToCsr(x);
    expect(c.toDenseArray()).toEqual(x.toArray());
    expect(c.nnz).toBe(3);
    expect(c.transpose().toDenseArray()).toEqual([
      [0, 0, -2],
      [1.5, 0, 0],
      [0, 0, 3],
    ]);
    expect(density(x)).toBeCloseTo(3 / 9, 12);
    expect(() => denseToCsr(ones([2, 2, 2]))).toThrow(/matrix/);
  });

  it('a dropped-out sparse X gives the same Â·X·W and W-gradient as the same X dense (float64)', () =>
    withBackend(f64Backend(), () => {
      const rows: number[] = [];
      const cols: number[] = [];
      const vals: number[] = [];
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 9; j++)
          if ((i * 5 + j * 3) % 4 === 0) {
            rows.push(i);
            cols.push(j);
            vals.push(1 + ((i + j) % 3));
          }
      const x = new SparseFeatures(CsrMatrix.fromCoo(6, 9, rows, cols, vals));
      const conv = new GCNConv(9, 4, { seed: 2, dtype: 'float64' });
      for (const seed of [1, 2, 3]) {
        const xs = x.dropout(0.5, new Rng(seed));
        const xd = tensor(xs.toDenseArray(), [6, 9], { dtype: 'float64' });
        const loss = (input: CsrMatrix | Tensor) => (w: Tensor) => {
          const saved = conv.weight.value;
          Object.defineProperty(conv.weight, 'value', { get: () => w, configurable: true });
          try {
            return sum(mul(conv.forward({ graph, x: input }), tensor([1, -2, 3, 0.5], [4], { dtype: 'float64' })));
          } finally {
            Object.defineProperty(conv.weight, 'value', { get: () => saved, configurable: true });
          }
        };
        const a = valueAndGrad(loss(xs))(conv.weight.value);
        const b = valueAndGrad(loss(xd))(conv.weight.value);
        expect(a.value.item()).toBeCloseTo(b.value.item(), 10);
        const ga = a.grads[0].dataSync();
        const gb = b.grads[0].dataSync();
        for (let i = 0; i < ga.length; i++) expect(ga[i]).toBeCloseTo(gb[i], 10);
        expect(gradCheck((w) => loss(xs)(w), [conv.weight.value]).ok).toBe(true);
      }
    }));

  it('trainGCN turns sparse dense features into CSR by default, with the same training as without dropout', () =>
    withBackend(jsBackend(), () => {
      const n = 60;
      const f = 40;
      const data = new Float32Array(n * f);
      for (let i = 0; i < n; i++) {
        data[i * f + (i % f)] = 1;
        data[i * f + ((i * 7) % f)] = 1;
      }
      const x = tensor(data, [n, f]);
      expect(density(x)).toBeLessThan(0.1);
      const labels = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
      const edges: [number, number][] = [];
      for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n], [i, (i + 3) % n]);
      const g = Graph.fromEdges(n, edges);
      const common = { graph: g, labels, split: { train: [0, 1, 2, 40, 41, 42], test: [10, 20, 50] }, epochs: 15, seed: 3 };
      // dropout 0: sparse and dense products agree to float32 rounding
      const dense = trainGCN({ ...common, features: x, dropout: 0, sparseFeatures: false });
      const auto = trainGCN({ ...common, features: x, dropout: 0 });
      auto.history.forEach((h, i) => expect(h.trainLoss).toBeCloseTo(dense.history[i].trainLoss, 5));
      expect(Array.from(auto.predictions)).toEqual(Array.from(dense.predictions));
      // with dropout, 'auto' is the sparse path: the same history as passing the CSR matrix
      const viaAuto = trainGCN({ ...common, features: x });
      const viaCsr = trainGCN({ ...common, features: denseToCsr(x) });
      const viaDense = trainGCN({ ...common, features: x, sparseFeatures: false });
      expect(viaAuto.history.map((h) => h.trainLoss)).toEqual(viaCsr.history.map((h) => h.trainLoss));
      expect(viaDense.history.map((h) => h.trainLoss)).not.toEqual(viaCsr.history.map((h) => h.trainLoss));
      // dense features stay dense under 'auto'
      const full = randn([n, 8], { seed: 1 });
      const a = trainGCN({ ...common, features: full });
      const b = trainGCN({ ...common, features: full, sparseFeatures: false });
      expect(a.history.map((h) => h.trainLoss)).toEqual(b.history.map((h) => h.trainLoss));
    }));
});
