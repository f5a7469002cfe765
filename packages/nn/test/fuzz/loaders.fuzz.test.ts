/**
 * Mutation fuzzing of @lec/nn's loaders (issue 25): safetensors files (`readSafetensors`,
 * `loadWeights` into a live model) and model descriptions (`loadModel`'s JSON). Fixed seeds and
 * a fixed corpus, so a failure reproduces; bounded for CI (about 2,000 inputs per target). For
 * a longer local run set LEC_FUZZ_ITERATIONS (readSafetensors gets that many, the others half) (e.g. `LEC_FUZZ_ITERATIONS=50000 pnpm exec vitest
 * run --project @lec/nn test/fuzz`) and optionally LEC_FUZZ_SEED.
 *
 * Asserted for every input: it loads or raises FormatError (never another error), takes under
 * 2 s, the RSS grows by less than the budget, a failed loadWeights leaves the model's
 * parameters bit-identical, and nothing touches Object.prototype.
 */
import { type Rng, getBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { BatchNorm1d } from '../../src/layers/batch-norm.js';
import { ReLU, Tanh } from '../../src/layers/activations.js';
import { coreLayers } from '../../src/layers/core-layers.js';
import { Dense } from '../../src/layers/dense.js';
import { Embedding } from '../../src/layers/embedding.js';
import { LayerNorm } from '../../src/layers/layer-norm.js';
import { Sequential } from '../../src/layers/sequential.js';
import type { Module } from '../../src/module.js';
import { readSafetensors } from '../../src/safetensors.js';
import { loadModel, loadWeights, saveModel } from '../../src/serialization.js';
import { type FuzzReport, fuzz, mutateBytes, mutateJsonText } from './harness.js';

const ITERATIONS = Number(process.env.LEC_FUZZ_ITERATIONS ?? 2000);
const SEED = Number(process.env.LEC_FUZZ_SEED ?? 25);
/** Peak RSS growth allowed over a whole run (the loaders' own budgets are far below). */
const RSS_BUDGET = 256 * 2 ** 20;
const LIMITS = { maxBytes: 16 * 2 ** 20, maxHeaderBytes: 2 ** 20 };

const models = (): Module<any, any>[] => [
  new Dense(3, 2, { seed: 1 }),
  new Sequential([new Dense(4, 8, { seed: 2 }), new ReLU(), new BatchNorm1d(8), new Dense(8, 3, { seed: 3 })]),
  new Sequential([new Embedding(10, 4, { seed: 4 }), new LayerNorm(4), new Tanh()]),
  new Sequential([new Sequential([new Dense(2, 2, { seed: 5 })]), new Dense(2, 1, { seed: 6 })]),
];

function withHeaderMutation(file: Uint8Array, rng: Rng): Uint8Array {
  // half the time mutate the JSON header and re-frame it with a consistent length
  if (rng.int(2) === 0 || file.length < 8) return mutateBytes(file, rng);
  const length = new DataView(file.buffer, file.byteOffset).getUint32(0, true);
  const header = new TextDecoder().decode(file.subarray(8, 8 + length));
  const json = new TextEncoder().encode(mutateJsonText(header, rng));
  const out = new Uint8Array(8 + json.length + file.length - 8 - length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(file.subarray(8 + length), 8 + json.length);
  return out;
}

const reports: FuzzReport[] = [];

function check(report: FuzzReport): void {
  reports.push(report);
  console.log(`fuzz ${JSON.stringify(report)}`);
  expect(report.crashSamples).toEqual([]);
  expect(report.crashes).toBe(0);
  expect(report.hangs).toBe(0);
  expect(report.stateChanges).toBe(0);
  expect(report.peakRssDeltaBytes).toBeLessThan(RSS_BUDGET);
  expect(report.documentedErrors).toBeGreaterThan(report.tried / 10); // the mutations do reach the checks
}

describe('fuzzing the loaders (fixed seed and corpus)', () => {
  const saved = models().map((m) => saveModel(m));

  it('readSafetensors: FormatError or a valid file, within budget', () => {
    check(
      fuzz(
        {
          name: 'readSafetensors',
          corpus: saved.map((s) => s.weights),
          mutate: withHeaderMutation,
          run: (bytes) => void readSafetensors(bytes, LIMITS),
          documented: (e) => e instanceof FormatError,
        },
        { seed: SEED, iterations: ITERATIONS },
      ),
    );
  });

  it('loadWeights into a live model: a failed load leaves the parameters bit-identical', () => {
    const model = models()[1];
    const weights = saveModel(model).weights;
    const params = () => model.parameters().map((p) => Array.from(p.value.dataSync()));
    check(
      fuzz(
        {
          name: 'loadWeights',
          corpus: [weights],
          mutate: withHeaderMutation,
          run: (bytes) => loadWeights(model, bytes, LIMITS),
          documented: (e) => e instanceof FormatError,
          state: params,
        },
        { seed: SEED + 1, iterations: Math.ceil(ITERATIONS / 2) },
      ),
    );
  });

  it('loadModel descriptions: FormatError or a model, within budget, no live tensors left by a failure', () => {
    const live = () => getBackend().liveBuffers();
    check(
      fuzz(
        {
          name: 'loadModel',
          corpus: saved,
          mutate: (s, rng) => ({ description: mutateJsonText(s.description, rng), weights: s.weights }),
          run: (s) => loadModel(s, coreLayers, LIMITS).dispose(),
          documented: (e) => e instanceof FormatError,
          state: live,
        },
        { seed: SEED + 2, iterations: Math.ceil(ITERATIONS / 2) },
      ),
    );
  });
});
