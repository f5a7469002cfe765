// Experiment: the adding problem with trainAddingProblem (the recipe in ADDING_RECIPE unless
// overridden) on lec-wasm, 1 thread. Build first: pnpm turbo run build --filter=@lec/bench...
//   node apps/bench/scripts/rnn/adding-experiment.mjs [cell=lstm|rnn|gru] [T=100] [hidden=64] [batch=64] [steps=1500] [lr=0.01] [clip=1] [seed=0] [evalEvery=100]
import { ADDING_RECIPE, trainAddingProblem } from '@lec/rnn';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const num = (k) => (args[k] === undefined ? undefined : Number(args[k]));
const { wasmBackend } = await import('@lec/kernels-wasm');
const backend = await wasmBackend({ threads: 1 });
const options = {
  cell: args.cell ?? 'lstm',
  sequenceLength: num('T'),
  hiddenSize: num('hidden'),
  batchSize: num('batch'),
  trainSteps: num('steps'),
  learningRate: num('lr'),
  clipNorm: num('clip'),
  seed: num('seed'),
  evalEvery: num('evalEvery'),
  stopBelow: num('stopBelow'),
  backend,
};
console.log('recipe', JSON.stringify(ADDING_RECIPE), 'overrides', JSON.stringify(args));
const fmt = (v) => (v >= 0.01 ? v.toFixed(4) : v.toExponential(2));
const r = await trainAddingProblem({
  ...options,
  onEval: (p) =>
    console.log(
      `step ${p.step} train ${fmt(p.trainLoss)} test ${fmt(p.testMse)} ${(p.elapsedMs / p.step).toFixed(0)} ms/step (${(p.elapsedMs / 1000).toFixed(0)} s)`,
    ),
});
const ratio = (g) => g[0] / g[g.length - 1];
const mid = (g) => g[g.length >> 1] / g[g.length - 1];
console.log(`${options.cell}: test MSE ${fmt(r.initialMse)} → ${fmt(r.finalMse)}, clipped ${r.clippedSteps} steps`);
console.log(
  `‖∂L/∂h_t‖ t=0/t=T−1: before ${ratio(r.gradNormsStart).toExponential(2)}, after ${ratio(r.gradNormsEnd).toExponential(2)}; t=T/2: before ${mid(r.gradNormsStart).toExponential(2)}, after ${mid(r.gradNormsEnd).toExponential(2)}`,
);
