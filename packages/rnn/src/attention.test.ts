import { gradCheck, paramGradCheck } from '@lec/backend-tests';
import { type Tensor, f64Backend, jsBackend, mul, randn, setBackend, sum, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { AdditiveAttention, MultiplicativeAttention } from './attention.js';
import { Seq2Seq } from './forms.js';

setBackend(jsBackend());
const f64 = f64Backend();
const x64 = (shape: number[], seed: number) => randn(shape, { seed, dtype: 'float64' });
const weights = (t: Tensor, seed: number) => mul(t, randn(t.shape as number[], { seed, dtype: 'float64' }));
const ints = (rows: number[][]) => tensor(rows, undefined, { dtype: 'int32' });

const LAYERS = [
  ['additive', (dtype: 'float32' | 'float64') => new AdditiveAttention(3, 3, 4, { seed: 1, dtype })],
  ['dot', (dtype: 'float32' | 'float64') => new MultiplicativeAttention(3, 3, { score: 'dot', seed: 1, dtype })],
  ['general', (dtype: 'float32' | 'float64') => new MultiplicativeAttention(3, 3, { score: 'general', seed: 1, dtype })],
] as const;

describe('attention: masking of padded source steps', () => {
  for (const [name, make] of LAYERS) {
    it(`${name}: padded steps get exactly zero weight and do not change the context`, () => {
      const att = make('float32');
      const values = randn([3, 5, 3], { seed: 4 });
      const lengths = [5, 2, 4];
      const queries = randn([3, 2, 3], { seed: 5 });
      const out = att.attend(queries, att.prepare(values, lengths));
      const w = out.weights.toArray() as number[][][];
      lengths.forEach((n, b) => {
        for (const row of w[b]) {
          row.slice(n).forEach((x) => expect(x).toBe(0));
          row.slice(0, n).forEach((x) => expect(x).toBeGreaterThan(0));
          expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
        }
      });
      // other values on the padded steps: the same context
      const noisy = values.toArray() as number[][][];
      lengths.forEach((n, b) => {
        for (let t = n; t < 5; t++) noisy[b][t] = [100, -100, 50];
      });
      const again = att.attend(queries, att.prepare(tensor(noisy), lengths));
      expect(Array.from(again.context.dataSync())).toEqual(Array.from(out.context.dataSync()));
      // without lengths every step gets weight
      expect(Math.min(...(att.attend(queries, att.prepare(values)).weights.dataSync() as Float32Array))).toBeGreaterThan(0);
    });
  }

  it('dot attention is softmax(q·h) over the steps, and context the weighted mean (by hand)', () => {
    const att = new MultiplicativeAttention(2, 2, { score: 'dot' });
    const h = [
      [1, 0],
      [0, 2],
      [1, 1],
    ];
    const q = [0.5, -1];
    const out = att.attend(tensor([q]), att.prepare(tensor([h])));
    const e = h.map((r) => r[0] * q[0] + r[1] * q[1]);
    const z = e.reduce((s, x) => s + Math.exp(x), 0);
    const a = e.map((x) => Math.exp(x) / z);
    (out.weights.toArray() as number[][])[0].forEach((x, j) => expect(x).toBeCloseTo(a[j], 6));
    const c = [0, 1].map((k) => h.reduce((s, r, j) => s + a[j] * r[k], 0));
    (out.context.toArray() as number[][])[0].forEach((x, k) => expect(x).toBeCloseTo(c[k], 6));
  });
});

describe('attention: float64 gradient checks', () => {
  for (const [name, make] of LAYERS) {
    it(`${name}: parameters, queries and values, with a mask`, () => {
      withBackend(f64, () => {
        const att = make('float64');
        const values = x64([2, 4, 3], 7);
        const queries = x64([2, 2, 3], 8);
        const lengths = [4, 2];
        const loss = () => sum(weights(att.attend(queries, att.prepare(values, lengths)).context, 9));
        const r = paramGradCheck(att, loss);
        expect(r.failures).toEqual([]);
        if (name !== 'dot') expect(r.checked).toBeGreaterThan(5);
        expect(gradCheck((q, v) => att.attend(q, att.prepare(v, lengths)).context, [queries, values]).ok).toBe(true);
        expect(gradCheck((q, v) => att.attend(q, att.prepare(v, lengths)).weights, [queries, values]).ok).toBe(true);
        // one query per row ([batch, Q])
        expect(gradCheck((q, v) => att.forward({ queries: q, values: v, lengths }), [x64([2, 3], 10), values]).ok).toBe(true);
      });
    });
  }
});

describe('Seq2Seq with attention', () => {
  const source = ints([
    [3, 4, 5, 6],
    [2, 5, 0, 0],
  ]);
  const inputs = ints([
    [0, 4, 3],
    [0, 2, 2],
  ]);

  for (const attention of ['additive', 'dot', 'general'] as const) {
    it(`${attention}: padded source steps get zero weight; padding tokens do not change the logits`, () => {
      const s2s = new Seq2Seq(8, 6, 6, { attention, seed: 3 });
      const w = s2s.attentionWeights({ source, inputs, sourceLengths: [4, 2] }).toArray() as number[][][];
      for (const row of w[1]) expect(row.slice(2)).toEqual([0, 0]);
      const other = ints([
        [3, 4, 5, 6],
        [2, 5, 7, 1],
      ]);
      const a = s2s.forward({ source, inputs, sourceLengths: [4, 2] }).dataSync();
      const b = s2s.forward({ source: other, inputs, sourceLengths: [4, 2] }).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
    });
  }

  it('beam search of width 1 is greedy translation; results are sorted and each source is searched as if alone', () => {
    for (const attention of [undefined, 'general'] as const) {
      const s2s = new Seq2Seq(8, 6, 6, { attention, seed: 5 });
      const greedy = s2s.translate(source, 6, [4, 2]);
      const beams = s2s.beamSearch(source, { beamWidth: 1, maxLength: 6, sourceLengths: [4, 2] });
      expect(beams.map((h) => h[0].tokens)).toEqual(greedy);
      const wide = s2s.beamSearch(source, {
        beamWidth: 4,
        maxLength: 6,
        sourceLengths: [4, 2],
        lengthPenalty: { kind: 'gnmt', alpha: 0.6 },
      });
      const alone = s2s.beamSearch(ints([[2, 5]]), { beamWidth: 4, maxLength: 6, lengthPenalty: { kind: 'gnmt', alpha: 0.6 } });
      expect(wide[1].map((h) => h.tokens)).toEqual(alone[0].map((h) => h.tokens));
      wide[1].forEach((h, i) => expect(h.score).toBeCloseTo(alone[0][i].score, 4));
      for (const list of wide) for (let i = 1; i < list.length; i++) expect(list[i].score).toBeLessThanOrEqual(list[i - 1].score);
    }
  });
});
