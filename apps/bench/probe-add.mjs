import * as T from '@lec/tensor';
import { LSTM, RNN, addingProblem } from '@lec/rnn';
import { Adam, Dense, Sequential, trainStep, meanSquaredError } from '@lec/nn';
const kw = await import('@lec/kernels-wasm');
const be = await kw.wasmBackend({ threads: 2 });
const kind = process.argv[2] ?? 'lstm';
const lr = Number(process.argv[3] ?? 1e-2);
const B = Number(process.argv[4] ?? 64);
T.withBackend(be, () => {
  const rec = kind === 'lstm' ? new LSTM(2, 64, { seed: 0 }) : new RNN(2, 64, { seed: 0 });
  const model = new Sequential([rec, new Dense(64, 1, { seed: 1 })]);
  const opt = new Adam({ learningRate: lr });
  const test = addingProblem(1000, 100, { seed: 999999 });
  const t0 = performance.now();
  for (let step = 1; step <= 3000; step++) {
    const { x, y } = addingProblem(B, 100, { seed: step });
    const r = T.tidy(() => trainStep(model, meanSquaredError, opt, x, y, { clipNorm: 1 }));
    if (step % 100 === 0) {
      const mse = T.tidy(() => meanSquaredError(model.forward(test.x), test.y).item());
      console.log(kind, lr, step, ((performance.now() - t0) / step).toFixed(1), 'ms/step', r.loss.toFixed(4), 'test', mse.toFixed(4));
    }
  }
});
process.exit(0);
