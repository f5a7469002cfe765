import { ValueError, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { type BeamSearchOptions, type Hypothesis, type LengthPenalty, batchedBeamSearch, beamSearch } from './beam-search.js';

/** A random language model whose next-token distribution depends on the whole prefix (hashed with a seed). */
function randomModel(seed: number, vocab: number, sharpness = 2) {
  return (prefix: number[]): number[] => {
    let h = seed * 2654435761;
    for (const t of prefix) h = Math.imul(h ^ (t + 0x9e37), 0x85ebca6b) >>> 0;
    const logits = Array.from({ length: vocab }, (_, v) => {
      let x = Math.imul(h ^ (v * 0x27d4eb2d), 0xc2b2ae35) >>> 0;
      x ^= x >>> 15;
      return (sharpness * (x % 10007)) / 10007;
    });
    const z = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    return logits.map((l) => l - z);
  };
}

function lp(p: LengthPenalty | undefined, n: number): number {
  if (!p) return 1;
  return p.kind === 'gnmt' ? ((5 + n) / 6) ** p.alpha : n ** p.alpha;
}

/** Every hypothesis a search of maxLength can return, scored; the best first. */
function exhaustive(model: (prefix: number[]) => number[], vocab: number, eos: number, maxLength: number, p?: LengthPenalty) {
  const all: { tokens: number[]; score: number; logProb: number }[] = [];
  const walk = (prefix: number[], logProb: number) => {
    const next = model(prefix);
    for (let v = 0; v < vocab; v++) {
      const l = logProb + next[v];
      if (v === eos) all.push({ tokens: prefix, logProb: l, score: l / lp(p, prefix.length + 1) });
      else if (prefix.length + 1 === maxLength) all.push({ tokens: [...prefix, v], logProb: l, score: l / lp(p, maxLength) });
      else walk([...prefix, v], l);
    }
  };
  walk([], 0);
  return all.sort((a, b) => b.score - a.score);
}

function search(model: (prefix: number[]) => number[], options: BeamSearchOptions): Hypothesis[] {
  let first = true;
  return beamSearch<number[]>(
    (prefix, token) => {
      const next = first ? [] : [...prefix, token];
      first = false;
      return { logProbs: model(next), state: next };
    },
    [],
    options,
  );
}

const PENALTIES: (LengthPenalty | undefined)[] = [
  undefined,
  { kind: 'gnmt', alpha: 0.7 },
  { kind: 'power', alpha: 1 },
  { kind: 'power', alpha: -0.5 },
];

describe('beamSearch', () => {
  it('finds the exact best sequences when the beam holds every prefix ((V − 1)^(L − 1))', () => {
    const [vocab, maxLength] = [3, 4];
    for (let seed = 1; seed <= 25; seed++)
      for (const p of PENALTIES) {
        const model = randomModel(seed, vocab, 1 + (seed % 4));
        const exact = exhaustive(model, vocab, 0, maxLength, p);
        const beam = search(model, { bos: 0, eos: 0, beamWidth: (vocab - 1) ** (maxLength - 1), maxLength, lengthPenalty: p, topK: 3 });
        expect(beam.map((h) => h.tokens)).toEqual(exact.slice(0, 3).map((h) => h.tokens));
        beam.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i].score, 12));
      }
  });

  it('with a narrow beam misses the best sequence of some models (so the exactness test can fail)', () => {
    let missed = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const model = randomModel(seed, 3, 1 + (seed % 4));
      const [best] = search(model, { bos: 0, eos: 0, beamWidth: 1, maxLength: 4 });
      if (best.tokens.join() !== exhaustive(model, 3, 0, 4)[0].tokens.join()) missed++;
    }
    expect(missed).toBeGreaterThan(0);
  });

  it('is exact with beam = vocabulary size when at most two tokens are scored', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const model = randomModel(seed, 5, 3);
      const exact = exhaustive(model, 5, 2, 2, { kind: 'gnmt', alpha: 1 });
      const [best] = search(model, { bos: 0, eos: 2, beamWidth: 5, maxLength: 2, lengthPenalty: { kind: 'gnmt', alpha: 1 } });
      expect(best.tokens).toEqual(exact[0].tokens);
    }
  });

  it('with width 1 is greedy decoding', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const model = randomModel(seed, 6, 3);
      const greedy: number[] = [];
      let finished = false;
      while (greedy.length < 8) {
        const next = model(greedy);
        const v = next.indexOf(Math.max(...next));
        if (v === 1) {
          finished = true;
          break;
        }
        greedy.push(v);
      }
      const beam = search(model, { bos: 0, eos: 1, beamWidth: 1, maxLength: 8 });
      expect(beam).toHaveLength(1);
      expect(beam[0].tokens).toEqual(greedy);
      expect(beam[0].finished).toBe(finished);
    }
  });

  it('returns per-step log-probabilities that sum to the score, sorted best first', () => {
    const model = randomModel(7, 4, 2);
    const p: LengthPenalty = { kind: 'gnmt', alpha: 0.6 };
    const beam = search(model, { bos: 0, eos: 0, beamWidth: 4, maxLength: 5, lengthPenalty: p });
    expect(beam).toHaveLength(4);
    for (const h of beam) {
      expect(h.stepLogProbs).toHaveLength(h.tokens.length + (h.finished ? 1 : 0));
      expect(h.logProb).toBeCloseTo(
        h.stepLogProbs.reduce((s, x) => s + x, 0),
        12,
      );
      expect(h.score).toBeCloseTo(h.logProb / lp(p, h.stepLogProbs.length), 12);
      // each step's log-probability is the model's for that prefix
      h.stepLogProbs.forEach((x, t) => expect(x).toBeCloseTo(model(h.tokens.slice(0, t))[t < h.tokens.length ? h.tokens[t] : 0], 12));
    }
    for (let i = 1; i < beam.length; i++) expect(beam[i].score).toBeLessThanOrEqual(beam[i - 1].score);
  });

  it('length normalisation turns a preference for short outputs into one for long ones', () => {
    // EOS 0.4 at every step, 'a' 0.6: plain log-probability prefers stopping at once
    const model = () => [Math.log(0.4), Math.log(0.6)];
    const plain = search(model, { bos: 0, eos: 0, beamWidth: 2, maxLength: 6 });
    expect(plain[0].tokens).toEqual([]);
    const normalised = search(model, { bos: 0, eos: 0, beamWidth: 2, maxLength: 6, lengthPenalty: { kind: 'power', alpha: 1 } });
    expect(normalised[0].tokens.length).toBeGreaterThan(3);
  });

  it('accepts tensors as log-probabilities', () => {
    const model = randomModel(3, 4, 2);
    const viaTensor = beamSearch<number[]>(
      (s, t) => ({ logProbs: tensor([model(s.length === 0 && t === 0 ? [] : [...s, t])]), state: [...s, t] }),
      [],
      {
        bos: 0,
        eos: 0,
        beamWidth: 3,
        maxLength: 3,
      },
    );
    expect(viaTensor[0].tokens.length).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(viaTensor[0].score)).toBe(true);
  });

  it('refuses bad arguments with a ValueError naming them', () => {
    const step = () => ({ logProbs: [-1, -1], state: null });
    const ok: BeamSearchOptions = { bos: 0, eos: 0, beamWidth: 2, maxLength: 3 };
    expect(() => beamSearch(step, null, { ...ok, beamWidth: 0 })).toThrow(
      /beamSearch: argument 'beamWidth' expected an integer >= 1, got 0/,
    );
    expect(() => beamSearch(step, null, { ...ok, maxLength: 1.5 })).toThrow(/'maxLength'/);
    expect(() => beamSearch(step, null, { ...ok, topK: 3 })).toThrow(/'topK' expected at most beamWidth \(2\)/);
    expect(() => beamSearch(step, null, { ...ok, eos: 2 })).toThrow(/'eos' expected a token below the vocabulary size 2/);
    expect(() => beamSearch(step, null, { ...ok, lengthPenalty: { kind: 'wu' as 'gnmt', alpha: 1 } })).toThrow(/lengthPenalty.kind/);
    expect(() => beamSearch(step, null, { ...ok, lengthPenalty: { kind: 'gnmt', alpha: Number.NaN } })).toThrow(/lengthPenalty.alpha/);
    expect(() => beamSearch(() => ({ logProbs: [Number.NaN, -1], state: null }), null, ok)).toThrow(ValueError);
    expect(() => beamSearch(() => ({ logProbs: [0.5, -1], state: null }), null, ok)).toThrow(/log-probabilities/);
    expect(() => beamSearch(null as never, null, ok)).toThrow(/'step' expected a function/);
    const model = { step: (s: null) => ({ logProbs: [-1, -1, -1], state: s }), select: (s: null) => s };
    expect(() => batchedBeamSearch(model, null, 2, ok)).toThrow(/batchedBeamSearch: the step's 'logProbs' expected 2 rows/);
    expect(() => batchedBeamSearch(model, null, 0, ok)).toThrow(/'batchSize'/);
  });
});

describe('batchedBeamSearch', () => {
  it('gives each sequence of the batch what beamSearch gives it alone', () => {
    const models = [randomModel(11, 5, 3), randomModel(12, 5, 3), randomModel(13, 5, 1)];
    const options: BeamSearchOptions = { bos: 0, eos: 4, beamWidth: 3, maxLength: 6, lengthPenalty: { kind: 'gnmt', alpha: 0.8 } };
    // the state: one { batch index, prefix } per row
    type Row = { b: number; prefix: number[]; started: boolean };
    let calls = 0;
    const batched = batchedBeamSearch<Row[]>(
      {
        step: (rows, tokens) => {
          calls++;
          const next = rows.map((r, i) => ({ b: r.b, prefix: r.started ? [...r.prefix, tokens[i]] : [], started: true }));
          return { logProbs: next.flatMap((r) => models[r.b](r.prefix)), state: next };
        },
        select: (rows, order) => Array.from(order, (i) => rows[i]),
      },
      models.map((_, b) => ({ b, prefix: [], started: false })),
      3,
      options,
    );
    expect(calls).toBeLessThanOrEqual(6);
    models.forEach((m, b) => {
      const alone = search(m, options);
      expect(batched[b].map((h) => h.tokens)).toEqual(alone.map((h) => h.tokens));
      batched[b].forEach((h, i) => expect(h.score).toBeCloseTo(alone[i].score, 12));
    });
  });
});
