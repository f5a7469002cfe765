// Experiment: date translation ("3rd of March 1998" → "1998-03-03", issue 26) with
// trainDateTranslation on lec-wasm (1 thread), with and without attention: exact-match
// accuracy on held-out dates, overall and by input length, and training time.
// Build first: pnpm turbo run build --filter=@lec/bench...
//   node apps/bench/scripts/rnn/dates-experiment.mjs [steps=3000] [hidden=64] [batch=64] [lr=0.005] [test=2000] [attention=additive,none] [seed=0] [every=200] [backend=wasm|js] [save=DIR]
// dates=K puts 1–K dates in every input, joined by " and " (long inputs, up to ~170 characters: the
// test of "attention is better on long inputs"); bucket=W sets the characters per length bucket (default 5).
//   node apps/bench/scripts/rnn/dates-experiment.mjs dates=4 bucket=20 steps=1500 batch=32 attention=general,none
// save=DIR writes dates-<attention>.safetensors and .json there (the docs demo's weights: apps/docs/docs/public/generated).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { saveWeights } from '@lec/nn';
import { dateExamples, trainDateTranslation } from '@lec/rnn';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));
const kinds = (args.attention ?? 'additive,none').split(',');
let backend;
if ((args.backend ?? 'wasm') === 'wasm') {
  const { wasmBackend } = await import('@lec/kernels-wasm');
  backend = await wasmBackend({ threads: 1 });
}
console.log(
  `cpu ${os.cpus()[0]?.model}, load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, backend ${args.backend ?? 'wasm'}`,
);
const maxDates = num('dates', 1);
const sample = dateExamples(8, { seed: 5, maxDates });
sample.inputs.forEach((s, i) => console.log(`  ${s.padEnd(36)} → ${sample.targets[i]}`));
const results = {};
for (const attention of kinds) {
  const r = await trainDateTranslation({
    attention,
    trainSteps: num('steps', 3000),
    hiddenSize: num('hidden', 64),
    batchSize: num('batch', 64),
    learningRate: num('lr', 0.005),
    testSize: num('test', 2000),
    seed: num('seed', 0),
    backend,
    evalEvery: num('every', 200),
    maxDates,
    bucketWidth: num('bucket', 5),
    onProgress: (p) => console.log(`${attention} step ${p.step} loss ${p.loss.toFixed(4)} (${(p.elapsedMs / p.step).toFixed(0)} ms/step)`),
  });
  results[attention] = r;
  if (args.save) {
    // the docs build (apps/docs/scripts/prepare-assets.mjs) reuses these when the recipe key matches
    const recipe = {
      attention,
      hiddenSize: num('hidden', 64),
      embedSize: 16,
      batchSize: num('batch', 64),
      learningRate: num('lr', 0.005),
      trainSteps: num('steps', 3000),
      seed: num('seed', 0),
    };
    const key = `dates-${Object.values(recipe).join('-')}-v1`;
    mkdirSync(args.save, { recursive: true });
    writeFileSync(join(args.save, `dates-${attention}.safetensors`), saveWeights(r.model, { recipe: key }));
    const summary = { key, recipe, config: r.model.config(), accuracy: r.accuracy, byLength: r.byLength, trainMs: r.trainMs };
    writeFileSync(join(args.save, `dates-${attention}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  }
  console.log(
    `${attention}: exact match ${(100 * r.accuracy).toFixed(2)} % on ${r.test.inputs.length} unseen dates; training ${(r.trainMs / 1000).toFixed(1)} s`,
  );
  const wrong = r.predictions.map((p, i) => [r.test.inputs[i], p, r.test.targets[i]]).filter(([, p, t]) => p !== t);
  for (const [s, p, t] of wrong.slice(0, 5)) console.log(`  wrong: ${s} → ${p} (expected ${t})`);
}
console.log(`\naccuracy by input length (characters): ${kinds.join(' | ')}`);
for (const b of results[kinds[0]].byLength) {
  const cells = kinds.map((k) => {
    const x = results[k].byLength.find((y) => y.from === b.from);
    return x ? `${(100 * x.accuracy).toFixed(1)} %` : '-';
  });
  console.log(`  ${String(b.from).padStart(3)}–${String(b.to).padEnd(3)} (${b.count} inputs): ${cells.join(' | ')}`);
}
console.log(
  `load at the end ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
