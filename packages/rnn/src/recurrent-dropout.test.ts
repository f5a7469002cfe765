import { gradCheck, paramGradCheck } from '@lec/backend-tests';
import { loadModel, saveModel, coreLayers } from '@lec/nn';
import { type Tensor, eye, f64Backend, jsBackend, mul, ones, randn, sum, tensor, withBackend, zeros } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN, cellGradientNorms, hiddenGradientNorms, rnnLayers } from './index.js';

const f64 = f64Backend();
const x64 = (shape: number[], seed: number) => randn(shape, { seed, dtype: 'float64' });
const weights = (t: Tensor, seed: number) => mul(t, randn(t.shape as number[], { seed, dtype: 'float64' }));

describe('variational recurrent dropout', () => {
  it('one mask for the whole sequence: a unit dropped at step 1 stays dropped, a kept one is scaled by 1/(1 − p) every step', () => {
    withBackend(f64, () => {
      // ReLU RNN with W_hh = I, zero bias and input only at t = 0: h_t = m ⊙ h_{t−1}, so h_t = m^t ⊙ h_0
      const H = 64;
      const rnn = new RNN(1, H, { seed: 2, dtype: 'float64', activation: 'relu', recurrentDropout: 0.5, returnSequences: true });
      const cell = rnn.cells[0] as unknown as { weightHh: { assign(t: Tensor): void }; weightIh: { assign(t: Tensor): void } };
      cell.weightHh.assign(eye(H, H, { dtype: 'float64' }));
      cell.weightIh.assign(ones([1, H], { dtype: 'float64' }));
      const T = 6;
      const x = new Float64Array(T);
      x[0] = 1;
      const seq = rnn.forward(tensor(x, [1, T, 1], { dtype: 'float64' })).dataSync();
      const kept = Array.from({ length: H }, (_, j) => seq[H + j] !== 0);
      expect(kept.filter(Boolean).length).toBeGreaterThan(10);
      expect(kept.filter((k) => !k).length).toBeGreaterThan(10);
      for (let t = 1; t < T; t++) for (let j = 0; j < H; j++) expect(seq[t * H + j]).toBe(kept[j] ? 2 ** t : 0);
      // evaluation mode: no dropout, h_t = h_0
      rnn.eval();
      const clean = rnn.forward(tensor(x, [1, T, 1], { dtype: 'float64' })).dataSync();
      expect(Array.from(clean.slice((T - 1) * H))).toEqual(new Array(H).fill(1));
    });
  });

  it('a GRU keeps its carried state unmasked: with the update gate shut, h passes whole', () => {
    withBackend(f64, () => {
      const gru = new GRU(1, 8, { seed: 1, dtype: 'float64', recurrentDropout: 0.9 });
      const c = gru.cells[0] as unknown as { biasIh: { assign(t: Tensor): void } };
      // z = σ(+40) ≈ 1: h_t = h_{t−1}; the initial state passes through unchanged whatever the mask
      const b = new Float64Array(24);
      b.fill(40, 8, 16);
      c.biasIh.assign(tensor(b, [24], { dtype: 'float64' }));
      const h0 = x64([2, 8], 3);
      const out = gru.run(x64([2, 5, 1], 4), { initialState: [[h0]] }).last;
      const a = out.dataSync();
      const e = h0.dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(e[i], 9);
    });
  });

  for (const [name, make] of [
    ['RNN', () => new RNN(2, 3, { seed: 1, dtype: 'float64', recurrentDropout: 0.4 })],
    ['LSTM (2 layers)', () => new LSTM(2, 3, { seed: 1, dtype: 'float64', recurrentDropout: 0.4, numLayers: 2 })],
    ['GRU', () => new GRU(2, 3, { seed: 1, dtype: 'float64', recurrentDropout: 0.4 })],
    ['GRU (reset before)', () => new GRU(2, 3, { seed: 1, dtype: 'float64', recurrentDropout: 0.4, resetAfter: false })],
  ] as const) {
    it(`${name}: float64 gradient check with a fixed mask (the generator rewound before every evaluation)`, () => {
      withBackend(f64, () => {
        const layer = make();
        const start = layer.randomState();
        const x = x64([2, 4, 2], 7);
        const run = (xi: Tensor) => {
          layer.setRandomState(start);
          return layer.run(xi).sequence;
        };
        const r = paramGradCheck(layer, () => sum(weights(run(x), 8)));
        expect(r.failures).toEqual([]);
        expect(gradCheck((xi) => run(xi), [x]).ok).toBe(true);
        // the mask really is on: a different generator position gives a different output
        const a = run(x).dataSync();
        const b = layer.run(x).sequence.dataSync();
        expect(Array.from(a)).not.toEqual(Array.from(b));
      });
    });
  }

  it('is saved in the config, seeded, and rejected outside [0, 1)', () => {
    const lstm = new LSTM(2, 3, { seed: 5, recurrentDropout: 0.25 });
    expect(lstm.config().recurrentDropout).toBe(0.25);
    const copy = loadModel(saveModel(lstm), { ...coreLayers, ...rnnLayers }) as LSTM;
    expect(copy.recurrentDropout).toBe(0.25);
    const x = ones([2, 4, 2]);
    expect(Array.from(new LSTM(2, 3, { seed: 5, recurrentDropout: 0.25 }).forward(x).dataSync())).toEqual(
      Array.from(new LSTM(2, 3, { seed: 5, recurrentDropout: 0.25 }).forward(x).dataSync()),
    );
    expect(() => new GRU(2, 3, { recurrentDropout: 1 })).toThrow(/GRU: argument 'recurrentDropout' expected a rate in \[0, 1\), got 1/);
  });
});

describe('cellGradientNorms', () => {
  it('with W = 0 the cell path alone carries the gradient: ‖∂L/∂C_t‖ = ½·σ(b_f)^(T−1−t)·√(B·H), ‖∂L/∂h_t‖ = 0 before T', () => {
    withBackend(f64, () => {
      const lstm = new LSTM(2, 4, { seed: 0, dtype: 'float64', forgetBias: 2 });
      const cell = lstm.cells[0] as unknown as { weightHh: { assign(t: Tensor): void }; weightIh: { assign(t: Tensor): void } };
      cell.weightHh.assign(zeros([4, 16], { dtype: 'float64' }));
      cell.weightIh.assign(zeros([2, 16], { dtype: 'float64' }));
      const T = 10;
      const { cell: c, hidden: h } = cellGradientNorms(lstm, x64([3, T, 2], 1), (r) => sum(r.last));
      const f = 1 / (1 + Math.exp(-2));
      c.forEach((n, t) => expect(n).toBeCloseTo(0.5 * f ** (T - 1 - t) * Math.sqrt(12), 9));
      h.forEach((n, t) => expect(n).toBeCloseTo(t === T - 1 ? Math.sqrt(12) : 0, 9));
    });
  });

  it('matches central finite differences of the loss in the cell state (float64)', () => {
    withBackend(f64, () => {
      const lstm = new LSTM(2, 3, { seed: 4, dtype: 'float64' });
      const x = x64([2, 4, 2], 2);
      const loss = (probes: Tensor[]) => sum(weights(lstm.run(x, { cellProbes: probes }).sequence, 3));
      const probes = Array.from({ length: 4 }, () => zeros([2, 3], { dtype: 'float64' }));
      expect(gradCheck((...p) => loss(p), probes).ok).toBe(true);
      // zero probes change nothing: the composite step equals the fused lstmCell
      const probed = lstm.run(x, { cellProbes: probes }).sequence.dataSync();
      const fused = lstm.run(x).sequence.dataSync();
      for (let i = 0; i < fused.length; i++) expect(probed[i]).toBeCloseTo(fused[i], 12);
    });
  });

  it('an LSTM keeps ‖∂L/∂C_t‖ far from 0 over 50 steps where a plain RNN’s ‖∂L/∂h_t‖ vanishes', () => {
    withBackend(jsBackend(), () => {
      const T = 50;
      const x = randn([4, T, 1], { seed: 0 });
      const { cell } = cellGradientNorms(new LSTM(1, 16, { seed: 0 }), x, (r) => sum(r.last));
      const rnn = new RNN(1, 16, { seed: 0 });
      const plain = hiddenGradientNorms(rnn, x, (r) => sum(r.last));
      expect(cell[0] / cell[T - 1]).toBeGreaterThan(1e-3);
      expect(plain[0] / plain[T - 1]).toBeLessThan(cell[0] / cell[T - 1]);
    });
  });

  it('refuses a layer without a cell state', () => {
    expect(() => cellGradientNorms(new GRU(1, 2) as unknown as LSTM, zeros([1, 2, 1]), (r) => sum(r.last))).toThrow(
      /cellGradientNorms: argument 'layer' expected an LSTM/,
    );
  });
});
