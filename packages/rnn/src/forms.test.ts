import { describe, expect, it } from 'vitest';
import { Adam, meanSquaredError, softmaxCrossEntropyWithLogits, trainStep } from '@lec/nn';
import { Rng, type Tensor, argmax, jsBackend, reshape, setBackend, tensor, tidy } from '@lec/tensor';
import { Seq2Seq, SequenceGenerator, SequenceTagger } from './forms.js';

setBackend(jsBackend());

function sequenceLoss(logits: Tensor, targets: Tensor): Tensor {
  const [b, t, v] = logits.shape;
  return softmaxCrossEntropyWithLogits(reshape(logits, [b * t, v]), reshape(targets, [b * t]));
}

describe('many-to-many aligned: a bidirectional tagger sees the future', () => {
  // label_t = 1 when the next value is larger than this one: it depends on step t + 1
  function batch(rng: Rng, n: number, steps: number) {
    const x = new Float32Array(n * steps);
    const y = new Int32Array(n * steps);
    for (let i = 0; i < n; i++) {
      const v = rng.uniform(steps, 24);
      for (let t = 0; t < steps; t++) {
        x[i * steps + t] = v[t];
        y[i * steps + t] = t + 1 < steps && v[t + 1] > v[t] ? 1 : 0;
      }
    }
    return { x: tensor(x, [n, steps, 1]), y: tensor(y, [n, steps]) };
  }
  function accuracyOf(model: SequenceTagger, data: { x: Tensor; y: Tensor }): number {
    const pred = argmax(model.forward(data.x), 2).dataSync();
    const truth = data.y.dataSync();
    let ok = 0;
    for (let i = 0; i < truth.length; i++) ok += pred[i] === truth[i] ? 1 : 0;
    return ok / truth.length;
  }
  it('bidirectional reaches > 90% where the unidirectional tagger cannot', () => {
    const rng = new Rng(1);
    const test = batch(new Rng(99), 200, 8);
    const results: Record<string, number> = {};
    for (const bidirectional of [false, true]) {
      const model = new SequenceTagger(1, 16, 2, { bidirectional, seed: 2 });
      const opt = new Adam({ learningRate: 0.02 });
      for (let step = 0; step < 150; step++) {
        const { x, y } = batch(rng, 32, 8);
        tidy(() => trainStep(model, sequenceLoss, opt, x, y));
      }
      results[bidirectional ? 'bi' : 'uni'] = accuracyOf(model, test);
    }
    expect(results.bi).toBeGreaterThan(0.9);
    expect(results.uni).toBeLessThan(0.85);
  });
});

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const ALPHABET = [...new Set(NAMES.join(''))].sort();
// tokens: 0 BOS, 1 EOS, 2.. letters
const encodeWord = (w: string) => [...w].map((ch) => 2 + ALPHABET.indexOf(ch));

describe('one-to-many: spelling a digit from a vector', () => {
  it('a generator learns to spell every digit name from a one-hot vector', () => {
    const vocab = 2 + ALPHABET.length;
    const model = new SequenceGenerator(10, 32, vocab, { seed: 3 });
    const opt = new Adam({ learningRate: 0.02 });
    const steps = 6;
    const vectors = new Float32Array(100);
    const inputs = new Int32Array(10 * steps);
    const targets = new Int32Array(10 * steps).fill(1);
    NAMES.forEach((name, d) => {
      vectors[d * 10 + d] = 1;
      const ids = encodeWord(name);
      inputs[d * steps] = 0;
      ids.forEach((id, i) => {
        if (i + 1 < steps) inputs[d * steps + 1 + i] = id;
        targets[d * steps + i] = id;
      });
      for (let i = ids.length + 1; i < steps; i++) inputs[d * steps + i] = 1;
    });
    const v = tensor(vectors, [10, 10]);
    const x = { vectors: v, inputs: tensor(inputs, [10, steps]) };
    const y = tensor(targets, [10, steps]);
    for (let i = 0; i < 200; i++) tidy(() => trainStep(model, sequenceLoss, opt, x, y));
    const spelled = model.generate(v, 8).map((ids) => ids.map((id) => ALPHABET[id - 2]).join(''));
    expect(spelled).toEqual(NAMES);
  });
});

describe('many-to-many unaligned: seq2seq reverses digit strings', () => {
  it('teacher forcing then greedy decoding reverses unseen strings', () => {
    const rng = new Rng(4);
    const vocab = 12; // 0 BOS, 1 EOS, 2..11 digits 0..9
    const len = 4;
    const model = new Seq2Seq(vocab, vocab, 48, { seed: 5 });
    const opt = new Adam({ learningRate: 0.01 });
    const make = (r: Rng, n: number) => {
      const src = new Int32Array(n * len);
      const inp = new Int32Array(n * (len + 1));
      const tgt = new Int32Array(n * (len + 1));
      for (let i = 0; i < n; i++) {
        const digits = Array.from({ length: len }, () => 2 + r.int(10));
        const rev = [...digits].reverse();
        src.set(digits, i * len);
        inp.set([0, ...rev], i * (len + 1));
        tgt.set([...rev, 1], i * (len + 1));
      }
      return { source: tensor(src, [n, len]), inputs: tensor(inp, [n, len + 1]), targets: tensor(tgt, [n, len + 1]) };
    };
    for (let step = 0; step < 400; step++) {
      const b = make(rng, 32);
      tidy(() => trainStep(model, sequenceLoss, opt, { source: b.source, inputs: b.inputs }, b.targets));
    }
    const test = make(new Rng(77), 100);
    const out = model.translate(test.source, len + 2);
    const tgt = test.targets.dataSync();
    let exact = 0;
    out.forEach((ids, i) => {
      const expected = Array.from(tgt.subarray(i * (len + 1), i * (len + 1) + len));
      if (ids.length === len && ids.every((id, k) => id === expected[k])) exact++;
    });
    expect(exact / 100).toBeGreaterThan(0.8);
  });
});

void meanSquaredError;
