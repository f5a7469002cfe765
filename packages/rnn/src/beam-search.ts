/**
 * Beam search: the k most likely token sequences under a left-to-right model
 * p(y) = Π_t p(y_t | y_<t), keeping the `beamWidth` best prefixes at every step.
 *
 * Scores. A hypothesis y_1..y_n (y_n = EOS when it finished) has log-probability
 * L(y) = Σ_t log p(y_t | y_<t) and is ranked by L(y) / lp(|Y|), where |Y| = n counts every
 * scored token, EOS included, and the length penalty is
 * - none (default): lp = 1, the plain log-probability (favours short outputs);
 * - `{ kind: 'gnmt', alpha }`: lp = ((5 + |Y|) / 6)^α (Wu et al. 2016, GNMT; α ≈ 0.6–1);
 * - `{ kind: 'power', alpha }`: lp = |Y|^α (α = 1 is the mean log-probability per token).
 *
 * Each step expands every live prefix by every token; candidates are taken best first
 * (ties: lower beam, then lower token id, so width 1 is exactly greedy decoding): an EOS
 * candidate joins the finished list, any other joins the next beam until it holds
 * `beamWidth`. A sequence stops when `maxLength` tokens were scored (it is kept, marked
 * unfinished) or when no live prefix can still beat the `beamWidth`-th finished score
 * (L only falls as a prefix grows, so L / max lp over the remaining lengths bounds it).
 * Exact search: a width ≥ (V − 1)^(maxLength − 1) (every prefix kept) finds the
 * highest-scoring sequence; width = V is exact for maxLength ≤ 2 only.
 */
import { type Tensor, ValueError } from '@lec/tensor';

/** How the score of a finished hypothesis is normalised by its length (see the file comment). */
export interface LengthPenalty {
  /** 'gnmt': ((5 + |Y|) / 6)^α (Wu et al. 2016); 'power': |Y|^α. */
  kind: 'gnmt' | 'power';
  alpha: number;
}

/** Options of `beamSearch` and `batchedBeamSearch`. */
export interface BeamSearchOptions {
  /** Token fed at the first step. */
  bos: number;
  /** Token that ends a hypothesis. */
  eos: number;
  /** Prefixes kept per step (1 = greedy). */
  beamWidth: number;
  /** Most tokens scored per hypothesis, EOS included. */
  maxLength: number;
  /** Length normalisation of the final scores; none by default. */
  lengthPenalty?: LengthPenalty;
  /** How many hypotheses to return per sequence (default `beamWidth`, at most `beamWidth`). */
  topK?: number;
}

/** One result of a beam search. */
export interface Hypothesis {
  /** The tokens, without BOS and without the final EOS. */
  tokens: number[];
  /** log p of each scored token, EOS included when `finished` (length |Y|). */
  stepLogProbs: number[];
  /** Σ stepLogProbs. */
  logProb: number;
  /** logProb / lp(|Y|): what the hypotheses are ranked by. */
  score: number;
  /** Whether it ended with EOS (false: it reached maxLength). */
  finished: boolean;
}

/** Log-probabilities of the next token: a [rows, vocab] tensor or rows·vocab numbers, row-major. */
export type LogProbs = Tensor | ArrayLike<number>;

/** One step for one hypothesis: its state and last token → log p(next token) over the vocabulary and the new state. */
export type BeamStep<S> = (state: S, token: number) => { logProbs: LogProbs; state: S };

/**
 * A model stepped for many hypotheses at once: its state holds one row per hypothesis.
 * `step` gets the rows' last tokens; `select` returns the state's rows in the order given
 * (a row may repeat: a prefix that continues in two ways).
 */
export interface BatchedBeamModel<S> {
  step(state: S, tokens: Int32Array): { logProbs: LogProbs; state: S };
  select(state: S, rows: Int32Array): S;
}

interface Beam {
  tokens: number[];
  steps: number[];
  logProb: number;
}

/** The length penalty lp(|Y|) (1 without a penalty). */
function penalty(p: LengthPenalty | undefined, length: number): number {
  if (p === undefined || p.alpha === 0) return 1;
  return p.kind === 'gnmt' ? ((5 + length) / 6) ** p.alpha : length ** p.alpha;
}

function checkOptions(op: string, o: BeamSearchOptions): void {
  const int = (arg: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      throw new ValueError(op, `argument '${arg}' expected an integer >= ${min}, got ${String(v)}`);
  };
  int('bos', o.bos, 0);
  int('eos', o.eos, 0);
  int('beamWidth', o.beamWidth, 1);
  int('maxLength', o.maxLength, 1);
  if (o.topK !== undefined) {
    int('topK', o.topK, 1);
    if (o.topK > o.beamWidth) throw new ValueError(op, `argument 'topK' expected at most beamWidth (${o.beamWidth}), got ${o.topK}`);
  }
  const p = o.lengthPenalty;
  if (p !== undefined) {
    if (p.kind !== 'gnmt' && p.kind !== 'power')
      throw new ValueError(op, `argument 'lengthPenalty.kind' expected 'gnmt' or 'power', got ${String(p.kind)}`);
    if (typeof p.alpha !== 'number' || !Number.isFinite(p.alpha))
      throw new ValueError(op, `argument 'lengthPenalty.alpha' expected a finite number, got ${String(p.alpha)}`);
  }
}

/** The step's log-probabilities as numbers, checked against the row count; returns the vocabulary size. */
function readLogProbs(op: string, lp: LogProbs, rows: number, eos: number): { data: ArrayLike<number>; vocab: number } {
  const isTensor = typeof (lp as Tensor).dataSync === 'function';
  const data = isTensor ? (lp as Tensor).dataSync() : (lp as ArrayLike<number>);
  const shape = isTensor ? (lp as Tensor).shape : undefined;
  const vocab = data.length / rows;
  if ((shape !== undefined && (shape.length !== 2 || shape[0] !== rows)) || !Number.isInteger(vocab) || vocab < 1)
    throw new ValueError(
      op,
      `the step's 'logProbs' expected ${rows} rows of the vocabulary, got ${shape ? `shape [${shape.join(', ')}]` : `${data.length} numbers`}`,
    );
  if (eos >= vocab) throw new ValueError(op, `argument 'eos' expected a token below the vocabulary size ${vocab}, got ${eos}`);
  for (let i = 0; i < data.length; i++)
    if (Number.isNaN(data[i]) || data[i] > 1e-6)
      throw new ValueError(op, `the step's 'logProbs' expected log-probabilities (<= 0, not NaN), got ${data[i]} at ${i}`);
  return { data, vocab };
}

function finish(b: Beam, finished: boolean, p: LengthPenalty | undefined): Hypothesis {
  return { tokens: b.tokens, stepLogProbs: b.steps, logProb: b.logProb, score: b.logProb / penalty(p, b.steps.length), finished };
}

/** Inserts h into the list kept sorted by score (best first, earlier first on ties), trimmed to `keep`. */
function insert(list: Hypothesis[], h: Hypothesis, keep: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1].score < h.score) i--;
  list.splice(i, 0, h);
  if (list.length > keep) list.pop();
}

/**
 * Beam search over `batchSize` sequences at once: `initialState` holds one row per sequence
 * and `model` steps every live hypothesis in one call. Returns, per sequence, up to `topK`
 * hypotheses, best score first (see the file comment for the scores).
 * @example
 * ```ts
 * // a model whose next-token distribution ignores the state: p = [EOS 0.1, a 0.6, b 0.3]
 * const model = { step: (s, tokens) => ({ logProbs: Array.from(tokens, () => [0.1, 0.6, 0.3].map(Math.log)).flat(), state: s }), select: (s) => s };
 * const [[best]] = batchedBeamSearch(model, null, 1, { bos: 0, eos: 0, beamWidth: 2, maxLength: 1 });
 * best.tokens; // [1]
 * ```
 */
export function batchedBeamSearch<S>(
  model: BatchedBeamModel<S>,
  initialState: S,
  batchSize: number,
  options: BeamSearchOptions,
): Hypothesis[][] {
  return searchAs('batchedBeamSearch', model, initialState, batchSize, options);
}

/** @internal `batchedBeamSearch` whose errors name `op` (the model method that called it). */
export function searchAs<S>(
  op: string,
  model: BatchedBeamModel<S>,
  initialState: S,
  batchSize: number,
  options: BeamSearchOptions,
): Hypothesis[][] {
  checkOptions(op, options);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ValueError(op, `argument 'batchSize' expected a positive integer, got ${batchSize}`);
  const { eos, beamWidth: k, maxLength, lengthPenalty } = options;
  const topK = options.topK ?? k;
  const results: Hypothesis[][] = Array.from({ length: batchSize }, () => []);
  // live[b]: the live beams of sequence b, in the order of their rows in `state`
  let live: Beam[][] = Array.from({ length: batchSize }, () => [{ tokens: [], steps: [], logProb: 0 }]);
  let state = initialState;
  let last = new Int32Array(batchSize).fill(options.bos);
  const maxPenalty = (t: number) => Math.max(penalty(lengthPenalty, t), penalty(lengthPenalty, maxLength));
  for (let t = 1; t <= maxLength && last.length > 0; t++) {
    const out = model.step(state, last);
    const { data, vocab } = readLogProbs(op, out.logProbs, last.length, eos);
    const nextLive: Beam[][] = [];
    const rows: number[] = [];
    let row = 0;
    for (let b = 0; b < batchSize; b++) {
      const beams = live[b];
      const candidates: { beam: number; token: number; logProb: number }[] = [];
      beams.forEach((beam, i) => {
        for (let v = 0; v < vocab; v++) {
          const lp = data[(row + i) * vocab + v];
          if (lp > Number.NEGATIVE_INFINITY) candidates.push({ beam: i, token: v, logProb: beam.logProb + lp });
        }
      });
      candidates.sort((x, y) => y.logProb - x.logProb || x.beam - y.beam || x.token - y.token);
      const kept: Beam[] = [];
      for (const c of candidates) {
        if (kept.length === k) break;
        const parent = beams[c.beam];
        const step = c.logProb - parent.logProb;
        if (c.token === eos) {
          insert(results[b], finish({ tokens: parent.tokens, steps: [...parent.steps, step], logProb: c.logProb }, true, lengthPenalty), k);
        } else {
          kept.push({ tokens: [...parent.tokens, c.token], steps: [...parent.steps, step], logProb: c.logProb });
          rows.push(row + c.beam);
        }
      }
      row += beams.length;
      // stop this sequence when no live prefix can still enter the finished top k
      const worst = results[b].length === k ? results[b][k - 1].score : Number.NEGATIVE_INFINITY;
      const hope = kept.length ? Math.max(...kept.map((x) => x.logProb / maxPenalty(t + 1))) : Number.NEGATIVE_INFINITY;
      if (t === maxLength) for (const x of kept) insert(results[b], finish(x, false, lengthPenalty), k);
      const stop = t === maxLength || hope <= worst;
      if (stop) rows.splice(rows.length - kept.length, kept.length);
      nextLive.push(stop ? [] : kept);
    }
    live = nextLive;
    last = Int32Array.from(live.flatMap((beams) => beams.map((x) => x.tokens[x.tokens.length - 1])));
    state = rows.length ? model.select(out.state, Int32Array.from(rows)) : out.state;
  }
  return results.map((r) => r.slice(0, topK));
}

/**
 * Beam search over one sequence with a step function called once per hypothesis:
 * `step(state, lastToken)` → `{ logProbs, state }`. Returns up to `topK` hypotheses, best
 * score first. For a model that can step many hypotheses at once, `batchedBeamSearch` is faster.
 * @example
 * ```ts
 * // a bigram model over { 0: EOS, 1: 'a', 2: 'b' }: after 'a' comes 'b', after 'b' comes EOS
 * const table = [[-9, -0.1, -3], [-5, -3, -0.1], [-0.1, -3, -5]].map((r) => r.map((x) => x - Math.log(r.reduce((s, y) => s + Math.exp(y), 0))));
 * const [best] = beamSearch((s, token) => ({ logProbs: table[token], state: s }), null, { bos: 0, eos: 0, beamWidth: 3, maxLength: 5 });
 * best.tokens; // [1, 2]
 * ```
 */
export function beamSearch<S>(step: BeamStep<S>, initialState: S, options: BeamSearchOptions): Hypothesis[] {
  if (typeof step !== 'function') throw new ValueError('beamSearch', `argument 'step' expected a function, got ${typeof step}`);
  const model: BatchedBeamModel<S[]> = {
    step: (states, tokens) => {
      const rows = states.map((s, i) => step(s, tokens[i]));
      const parts = rows.map((r) =>
        typeof (r.logProbs as Tensor).dataSync === 'function' ? (r.logProbs as Tensor).dataSync() : (r.logProbs as ArrayLike<number>),
      );
      const vocab = parts[0].length;
      const bad = parts.findIndex((p) => p.length !== vocab);
      if (bad >= 0)
        throw new ValueError(
          'beamSearch',
          `the step's 'logProbs' expected ${vocab} numbers for every hypothesis, got ${parts[bad].length}`,
        );
      const logProbs = new Float64Array(parts.length * vocab);
      parts.forEach((p, i) => logProbs.set(p, i * vocab));
      return { logProbs, state: rows.map((r) => r.state) };
    },
    select: (states, rows) => Array.from(rows, (r) => states[r]),
  };
  return searchAs('beamSearch', model, [initialState], 1, options)[0];
}
