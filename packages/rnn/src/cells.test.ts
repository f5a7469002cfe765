import { describe, expect, it } from 'vitest';
import { type Tensor, add, concat, f64Backend, jsBackend, mul, randn, sum, tensor, variableGrads, withBackend } from '@lec/tensor';
import { gradCheck } from '@lec/backend-tests';
import { paramGradCheck } from '@lec/backend-tests';
import { GRUCell, LSTMCell, RNNCell, LSTM, GRU, RNN, Bidirectional } from './index.js';

const f64 = f64Backend();
const x64 = (shape: number[], seed: number) => randn(shape, { seed, dtype: 'float64' });
const weights = (t: Tensor, seed: number) => mul(t, randn(t.shape as number[], { seed, dtype: 'float64' }));

describe('cells: equations', () => {
  it('LSTMCell computes the lecture equations (checked by hand in float64)', () => {
    withBackend(f64, () => {
      const cell = new LSTMCell(2, 3, { seed: 1, dtype: 'float64' });
      const x = x64([1, 2], 2);
      const h0 = x64([1, 3], 3);
      const c0 = x64([1, 3], 4);
      const [h, c] = cell.step(cell.projectInputs(x), [h0, c0]);
      const W = cell.weightIh.value.toArray() as number[][];
      const U = cell.weightHh.value.toArray() as number[][];
      const b = cell.bias.value.toArray() as number[];
      const xv = (x.toArray() as number[][])[0];
      const hv = (h0.toArray() as number[][])[0];
      const cv = (c0.toArray() as number[][])[0];
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      const pre = (gate: number, j: number) => {
        let s = b[gate * 3 + j];
        for (let k = 0; k < 2; k++) s += xv[k] * W[k][gate * 3 + j];
        for (let k = 0; k < 3; k++) s += hv[k] * U[k][gate * 3 + j];
        return s;
      };
      for (let j = 0; j < 3; j++) {
        const i = sig(pre(0, j));
        const f = sig(pre(1, j));
        const cTilde = Math.tanh(pre(2, j));
        const o = sig(pre(3, j));
        const cj = f * cv[j] + i * cTilde;
        expect((c.toArray() as number[][])[0][j]).toBeCloseTo(cj, 12);
        expect((h.toArray() as number[][])[0][j]).toBeCloseTo(o * Math.tanh(cj), 12);
      }
      // forget bias starts at 1
      expect(b.slice(3, 6)).toEqual([1, 1, 1]);
    });
  });
});

describe('cells and layers: float64 gradient checks', () => {
  for (const [name, make] of [
    ['RNNCell', () => new RNNCell(2, 3, { seed: 1, dtype: 'float64' })],
    ['LSTMCell', () => new LSTMCell(2, 3, { seed: 1, dtype: 'float64' })],
    ['GRUCell', () => new GRUCell(2, 3, { seed: 1, dtype: 'float64' })],
  ] as const) {
    it(`${name}: parameters and inputs`, () => {
      withBackend(f64, () => {
        const cell = make();
        const x = x64([2, 2], 5);
        const state = Array.from({ length: cell.stateSize }, (_, i) => x64([2, 3], 10 + i));
        const r = paramGradCheck(cell, () => sum(weights(cell.step(cell.projectInputs(x), state)[cell.stateSize - 1], 6)));
        expect(r.failures).toEqual([]);
        expect(r.checked).toBeGreaterThan(10);
        const g = gradCheck((xi, ...s) => cell.step(cell.projectInputs(xi), s), [x, ...state]);
        expect(g.ok).toBe(true);
      });
    });
  }

  for (const [name, make] of [
    ['RNN (2 layers)', () => new RNN(2, 3, { seed: 1, dtype: 'float64', numLayers: 2 })],
    ['LSTM', () => new LSTM(2, 3, { seed: 1, dtype: 'float64' })],
    ['GRU', () => new GRU(2, 3, { seed: 1, dtype: 'float64' })],
  ] as const) {
    it(`${name} over a sequence with lengths`, () => {
      withBackend(f64, () => {
        const layer = make();
        const x = x64([2, 4, 2], 7);
        const r = paramGradCheck(layer, () => sum(weights(layer.run(x, { lengths: [4, 2] }).sequence, 8)));
        expect(r.failures).toEqual([]);
        const g = gradCheck((xi) => layer.run(xi, { lengths: [4, 2] }).last, [x]);
        expect(g.ok).toBe(true);
      });
    });
  }

  it('Bidirectional', () => {
    withBackend(f64, () => {
      const bi = new Bidirectional(new LSTM(2, 3, { seed: 1, dtype: 'float64' }), new LSTM(2, 3, { seed: 2, dtype: 'float64' }), {
        returnSequences: true,
      });
      const x = x64([2, 3, 2], 9);
      const r = paramGradCheck(bi, () => sum(weights(bi.run(x, { lengths: [3, 2] }).sequence, 4)));
      expect(r.failures).toEqual([]);
      expect(gradCheck((xi) => bi.run(xi, { lengths: [3, 2] }).last, [x]).ok).toBe(true);
    });
  });
});

describe('variable-length batches', () => {
  it('padded steps change neither outputs nor gradients', () => {
    withBackend(f64, () => {
      const lstm = new LSTM(2, 3, { seed: 3, dtype: 'float64', returnSequences: true });
      const real = x64([1, 3, 2], 11);
      const padA = tensor(
        [
          [
            [100, -100],
            [7, 7],
          ],
        ],
        undefined,
        { dtype: 'float64' },
      );
      const padB = tensor(
        [
          [
            [-5, 2],
            [0.5, 9],
          ],
        ],
        undefined,
        { dtype: 'float64' },
      );
      const a = concat([real, padA], 1);
      const b = concat([real, padB], 1);
      const ra = lstm.run(a, { lengths: [3] });
      const rb = lstm.run(b, { lengths: [3] });
      const alone = lstm.run(real);
      expect(Array.from(ra.last.dataSync())).toEqual(Array.from(alone.last.dataSync()));
      expect(Array.from(rb.last.dataSync())).toEqual(Array.from(alone.last.dataSync()));
      const seq = ra.sequence.toArray() as number[][][];
      expect(seq[0][3].map(Math.abs)).toEqual([0, 0, 0]);
      expect(seq[0][4].map(Math.abs)).toEqual([0, 0, 0]);
      const ga = variableGrads(() => sum(lstm.run(a, { lengths: [3] }).last), lstm.parameters()).grads;
      const g0 = variableGrads(() => sum(lstm.run(real).last), lstm.parameters()).grads;
      ga.forEach((g, i) => {
        const d = g.dataSync();
        const e = g0[i].dataSync();
        for (let k = 0; k < d.length; k++) expect(d[k]).toBeCloseTo(e[k], 12);
      });
    });
  });
});

describe('LSTM layer: the one-op recurrence', () => {
  it('lstmSequence (used without lengths) equals the step-by-step loop (used with lengths) in values and gradients', () => {
    withBackend(jsBackend(), () => {
      const lstm = new LSTM(3, 5, { seed: 2, numLayers: 2 });
      const x = randn([4, 6, 3], { seed: 3 });
      const loss = (lengths?: number[]) => () => {
        const r = lstm.run(x, lengths ? { lengths } : {});
        return add(sum(mul(r.sequence, r.sequence)), sum(r.states[1][1]));
      };
      const params = lstm.parameters();
      const fused = variableGrads(loss(), params);
      const looped = variableGrads(loss([6, 6, 6, 6]), params);
      expect(fused.value.item()).toBeCloseTo(looped.value.item(), 4);
      expect(fused.grads).toHaveLength(params.length);
      fused.grads.forEach((g, p) => {
        const a = g.dataSync();
        const b = looped.grads[p].dataSync();
        expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
      });
    });
  });
});
