import { gradCheck } from '@lec/backend-tests';
import { FormatError, coreLayers, loadModel, saveModel } from '@lec/nn';
import { CsrMatrix, type Tensor, eye, f64Backend, jsBackend, neg, randn, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { ChebConv } from './cheb-conv.js';
import { GCNConv } from './gcn-conv.js';
import { GCN } from './gcn.js';
import { Graph } from './graph.js';
import { laplacian } from './laplacian.js';
import { gcnLayers } from './registry.js';
import { sbm } from './sbm.js';
import { trainGCN } from './train.js';

const f64 = f64Backend();
const graph = Graph.fromEdges(6, [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 5],
  [5, 0],
  [0, 3],
  [2, 2],
]);
const dense = (a: { toDenseArray(): number[][] }) => a.toDenseArray();
const mm = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const close = (got: Tensor, want: number[][], tol = 1e-10) => {
  const g = got.toArray() as number[][];
  want.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(g[i][j] - v)).toBeLessThan(tol)));
};
/** A sparse matrix [rows, cols] with a random ~40% pattern. */
const sparseRandom = (rows: number, cols: number, seed: number) => {
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  let s = seed;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      if (s % 5 < 2) {
        r.push(i);
        c.push(j);
        v.push(((s >> 8) % 100) / 50 - 1);
      }
    }
  return CsrMatrix.fromCoo(rows, cols, r, c, v);
};
/**
 * Makes `variables[i].value` read `values[i]` while `fn` runs, so that @lec/backend-tests'
 * `gradCheck` (which differentiates a function of tensors) can check a layer's parameter
 * gradients without assigning to or disposing its Variables.
 */
function withValues<T>(variables: { value: Tensor }[], values: Tensor[], fn: () => T): T {
  variables.forEach((v, i) => Object.defineProperty(v, 'value', { get: () => values[i], configurable: true }));
  try {
    return fn();
  } finally {
    for (const v of variables) delete (v as { value?: Tensor }).value;
  }
}

describe('GCNConv', () => {
  it('computes Â·X·W (+ b), dense and sparse X, both associations', () =>
    withBackend(f64, () => {
      const a = dense(graph.normalizedAdjacency());
      for (const [fin, fout] of [
        [4, 3],
        [2, 5],
      ]) {
        const conv = new GCNConv(fin, fout, { seed: 1, bias: true, dtype: 'float64' });
        conv.bias!.assign(
          tensor(
            Array.from({ length: fout }, (_, i) => i / 10),
            [fout],
            { dtype: 'float64' },
          ),
        );
        const x = randn([6, fin], { seed: 2, dtype: 'float64' });
        const want = mm(mm(a, x.toArray() as number[][]), conv.weight.value.toArray() as number[][]).map((row) =>
          row.map((v, j) => v + j / 10),
        );
        close(conv.forward({ graph, x }), want);
        const xs = CsrMatrix.fromCoo(
          6,
          fin,
          Array.from({ length: 6 * fin }, (_, i) => Math.floor(i / fin)),
          Array.from({ length: 6 * fin }, (_, i) => i % fin),
          x.dataSync(),
        );
        close(conv.forward({ graph, x: xs }), want);
      }
    }));

  it('rejects features with the wrong number of rows or columns', () => {
    const conv = new GCNConv(4, 2);
    expect(() => conv.forward({ graph, x: randn([5, 4]) })).toThrow(/expected shape \[6, features\]/);
    expect(() => conv.forward({ graph, x: randn([6, 3]) })).toThrow(/expected 4 features per node, got 3/);
  });

  it('passes the float64 gradient check w.r.t. X, W and b (dense X) and W (sparse X)', () =>
    withBackend(f64, () => {
      const conv = new GCNConv(3, 2, { seed: 3, bias: true, dtype: 'float64' });
      const x = randn([6, 3], { seed: 4, dtype: 'float64' });
      const r = gradCheck(
        (xx, w, b) => withValues([conv.weight, conv.bias!], [w, b], () => conv.forward({ graph, x: xx })),
        [x, conv.weight.value, conv.bias!.value],
      );
      expect(r.checked).toBe(6 * 3 + 3 * 2 + 2);
      const xs = sparseRandom(6, 3, 5);
      expect(gradCheck((w) => withValues([conv.weight], [w], () => conv.forward({ graph, x: xs })), [conv.weight.value]).ok).toBe(true);
    }));
});

describe('GCN model', () => {
  it('passes the float64 gradient check through two layers (eval mode, sparse input)', () =>
    withBackend(f64, () => {
      const model = new GCN({ inFeatures: 5, classes: 3, hidden: 4, seed: 1, dtype: 'float64', activation: 'tanh' }).eval();
      const xs = sparseRandom(6, 5, 11);
      const [w0, w1] = model.parameters();
      const r = gradCheck((a, b) => withValues([w0, w1], [a, b], () => model.forward({ graph, x: xs })), [w0.value, w1.value]);
      expect(r.checked).toBe(5 * 4 + 4 * 3);
    }));

  it('applies dropout only in training mode, reproducibly per seed', () => {
    const x = randn([6, 4], { seed: 0 });
    const run = (train: boolean) => new GCN({ inFeatures: 4, classes: 2, seed: 5 }).train(train).forward({ graph, x }).dataSync();
    expect(Array.from(run(false))).toEqual(Array.from(run(false)));
    expect(Array.from(run(true))).toEqual(Array.from(run(true)));
    expect(Array.from(run(true))).not.toEqual(Array.from(run(false)));
  });

  it('trainGCN separates a two-block SBM graph from 10 labels (float32, js backend)', () =>
    withBackend(jsBackend(), () => {
      const { graph: g, labels } = sbm({ sizes: [100, 100], pIn: 0.08, pOut: 0.005, seed: 3 });
      const train = [0, 1, 2, 3, 4, 100, 101, 102, 103, 104];
      const test = Array.from({ length: 200 }, (_, i) => i).filter((i) => !train.includes(i));
      const r = trainGCN({ graph: g, features: eye(200), labels, split: { train, test }, epochs: 60, hidden: 8, seed: 0 });
      expect(r.history).toHaveLength(60);
      expect(r.history[59].trainLoss).toBeLessThan(r.history[0].trainLoss);
      expect(r.testAccuracy!).toBeGreaterThan(0.9);
    }));
});

describe('ChebConv', () => {
  it('matches the dense Chebyshev polynomial Σ T_k(L̃)·X·Θ_k for K = 0..3', () =>
    withBackend(f64, () => {
      const l = dense(laplacian(graph, 'symmetric'));
      const lmax = 1.7;
      const lt = l.map((row, i) => row.map((v, j) => (2 * v) / lmax - (i === j ? 1 : 0)));
      const x = randn([6, 3], { seed: 6, dtype: 'float64' });
      const xa = x.toArray() as number[][];
      for (let K = 0; K <= 3; K++) {
        const conv = new ChebConv(3, 2, K, { seed: K, lambdaMax: lmax, dtype: 'float64' });
        const t: number[][][] = [xa, mm(lt, xa)];
        for (let k = 2; k <= K; k++) t.push(mm(lt, t[k - 1]).map((row, i) => row.map((v, j) => 2 * v - t[k - 2][i][j])));
        let want = mm(t[0], conv.weights[0].value.toArray() as number[][]);
        for (let k = 1; k <= K; k++) {
          const term = mm(t[k], conv.weights[k].value.toArray() as number[][]);
          want = want.map((row, i) => row.map((v, j) => v + term[i][j]));
        }
        close(conv.forward({ graph, x }), want);
      }
    }));

  it('K = 1, λmax = 2, tied weights Θ1 = −Θ0 gives θ(I + D^-1/2 A D^-1/2)X; with the renormalisation it equals GCNConv', () =>
    withBackend(f64, () => {
      const x = randn([6, 4], { seed: 7, dtype: 'float64' });
      const gcn = new GCNConv(4, 3, { seed: 8, dtype: 'float64' });
      const w = gcn.weight.value;
      const tie = (conv: ChebConv) => {
        conv.weights[0].assign(w);
        conv.weights[1].assign(neg(w));
        return conv;
      };
      const plain = tie(new ChebConv(4, 3, 1, { lambdaMax: 2, dtype: 'float64' }));
      const d = graph.degrees();
      const a = graph.toDenseArray().map((row, i) => row.map((v, j) => (i === j ? 1 : 0) + v / Math.sqrt(d[i] * d[j])));
      close(plain.forward({ graph, x }), mm(mm(a, x.toArray() as number[][]), w.toArray() as number[][]));
      const renorm = tie(new ChebConv(4, 3, 1, { lambdaMax: 2, renormalized: true, dtype: 'float64' }));
      close(renorm.forward({ graph, x }), gcn.forward({ graph, x }).toArray() as number[][], 1e-12);
    }));

  it("λmax 'auto' uses the largest eigenvalue of L_sym", () =>
    withBackend(f64, () => {
      const x = randn([6, 2], { seed: 1, dtype: 'float64' });
      const auto = new ChebConv(2, 2, 2, { lambdaMax: 'auto', seed: 0, dtype: 'float64' }).forward({ graph, x });
      expect(auto.shape).toEqual([6, 2]);
      expect(Array.from(auto.dataSync()).every(Number.isFinite)).toBe(true);
    }));

  it('passes the float64 gradient check w.r.t. X, every Θ_k and b', () =>
    withBackend(f64, () => {
      const conv = new ChebConv(3, 2, 3, { seed: 2, bias: true, lambdaMax: 1.9, dtype: 'float64' });
      const x = randn([6, 3], { seed: 3, dtype: 'float64' });
      const params = conv.parameters();
      const r = gradCheck((xx, ...ps) => withValues(params, ps, () => conv.forward({ graph, x: xx })), [x, ...params.map((p) => p.value)]);
      expect(r.checked).toBe(6 * 3 + 4 * 3 * 2 + 2);
      const xs = sparseRandom(6, 3, 4);
      const rs = gradCheck(
        (...ps) => withValues(params, ps, () => conv.forward({ graph, x: xs })),
        params.map((p) => p.value),
      );
      expect(rs.ok).toBe(true);
    }));
});

describe('save / load with nn and gcnLayers', () => {
  const bits = (t: Tensor) => Array.from(t.dataSync());

  it('a trained GCN round-trips through saveModel/loadModel with identical predictions', () =>
    withBackend(jsBackend(), () => {
      const { graph: g, labels } = sbm({ sizes: [40, 40], pIn: 0.15, pOut: 0.01, seed: 1 });
      const x = sparseRandom(80, 12, 3);
      const r = trainGCN({
        graph: g,
        features: x,
        labels,
        split: { train: [0, 1, 2, 40, 41, 42] },
        hidden: [8, 4],
        bias: true,
        epochs: 20,
        seed: 2,
      });
      const saved = saveModel(r.model);
      expect(JSON.parse(saved.description).model).toEqual({
        type: 'GCN',
        config: { inFeatures: 12, classes: 2, hidden: [8, 4], dropout: 0.5, activation: 'relu', bias: true, seed: 2 },
      });
      const copy = loadModel(saved, { ...coreLayers, ...gcnLayers });
      expect(copy).toBeInstanceOf(GCN);
      const gcn = copy as GCN;
      expect(gcn.namedParameters().map(([n]) => n)).toEqual(r.model.namedParameters().map(([n]) => n));
      expect(gcn.training).toBe(true);
      const input = { graph: g, x };
      const a = r.model.eval().forward(input);
      const b = gcn.eval().forward(input);
      expect(bits(b)).toEqual(bits(a));
      expect(Array.from(argmaxRows(b))).toEqual(Array.from(r.predictions));
    }));

  it('GCNConv and ChebConv (float64, bias, every option) round-trip', () =>
    withBackend(f64, () => {
      const x = randn([6, 3], { seed: 1, dtype: 'float64' });
      const layers = [
        new GCNConv(3, 2, { seed: 4, bias: true, dtype: 'float64' }),
        new ChebConv(3, 2, 2, { seed: 5, bias: true, lambdaMax: 1.7, dtype: 'float64' }),
        new ChebConv(3, 2, 1, { seed: 6, renormalized: true, dtype: 'float64' }),
        new ChebConv(3, 2, 2, { seed: 7, lambdaMax: 'auto', dtype: 'float64' }),
      ];
      for (const layer of layers) {
        layer.bias?.assign(tensor([0.25, -0.5], [2], { dtype: layer.bias.value.dtype }));
        const copy = loadModel(saveModel(layer), gcnLayers) as GCNConv | ChebConv;
        expect(copy.type).toBe(layer.type);
        expect(copy.config()).toEqual(layer.config());
        expect(bits(copy.forward({ graph, x }))).toEqual(bits(layer.forward({ graph, x })));
      }
    }));

  it('rejects bad configs with FormatError', () => {
    const saved = saveModel(new GCN({ inFeatures: 3, classes: 2, hidden: 4 }));
    const edit = (key: string, value: unknown) => {
      const d = JSON.parse(saved.description);
      d.model.config[key] = value;
      return { description: JSON.stringify(d), weights: saved.weights };
    };
    expect(() => loadModel(edit('dropout', 1), gcnLayers)).toThrow(FormatError);
    expect(() => loadModel(edit('activation', 'gelu'), gcnLayers)).toThrow(/activation/);
    expect(() => loadModel(edit('hidden', [4000]), gcnLayers)).toThrow(/more parameters/);
    expect(() => loadModel(saved, coreLayers)).toThrow(/unknown layer type 'GCN'/);
    const cheb = saveModel(new ChebConv(3, 2, 1));
    const bad = JSON.parse(cheb.description);
    bad.model.config.lambdaMax = -1;
    expect(() => loadModel({ description: JSON.stringify(bad), weights: cheb.weights }, gcnLayers)).toThrow(/lambdaMax/);
  });
});

function argmaxRows(t: Tensor): Int32Array {
  const [n, c] = t.shape;
  const d = t.dataSync();
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
    return best;
  });
}
