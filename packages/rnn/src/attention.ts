/**
 * Attention over an encoder's outputs h_1..h_S (values [batch, S, K]) for decoder queries q
 * ([batch, Q], or [batch, T, Q] for T queries at once):
 *   additive (Bahdanau et al. 2015):  e_j = vᵀ tanh(W_q q + W_k h_j + b)
 *   multiplicative (Luong et al. 2015): dot e_j = qᵀ h_j (Q = K); general e_j = qᵀ W h_j
 *   α = softmax_j(e_j)       the weights over the source steps (padded steps: e_j − 1e9, so α_j = 0)
 *   c = Σ_j α_j h_j          the context vector [batch, K]
 * The part that depends only on the values (W_k h_j + b; W h_j) is computed once per source
 * by `prepare` and reused at every decoder step.
 */
import { type JsonObject, type LayerFactory, type LayerOptions, Module, glorotUniform } from '@lec/nn';
import {
  type DType,
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  type Variable,
  add,
  expandDims,
  matmul,
  reshape,
  softmax,
  tanh,
  tensor,
  zeros,
} from '@lec/tensor';
import { checkSizes } from './cells/init.js';

/** The encoder outputs an attention layer reads, with what it precomputed from them. */
export interface AttentionMemory {
  /** h_1..h_S [batch, S, K]: what the context averages. */
  values: Tensor;
  /** What the scores compare the queries with ([batch, S, ·]). */
  keys: Tensor;
  /** 0 on real steps, −1e9 on padded ones [batch, 1, S]; undefined when nothing is padded. */
  mask?: Tensor;
}

/** What an attention layer returns for its queries. */
export interface AttentionOutput {
  /** c [batch, K] (or [batch, T, K] for [batch, T, Q] queries). */
  context: Tensor;
  /** α [batch, S] (or [batch, T, S]): rows sum to 1, 0 on padded steps. */
  weights: Tensor;
}

/** The input of an attention layer's `forward`. */
export interface AttentionInput {
  queries: Tensor;
  values: Tensor;
  /** The true length of every source sequence (default: all S steps). */
  lengths?: ArrayLike<number>;
}

/** The additive mask [batch, 1, S] for `lengths` (0 on steps < length, −1e9 after). */
function lengthMask(op: string, lengths: ArrayLike<number>, values: Tensor): Tensor {
  const [batch, steps] = values.shape;
  if (lengths.length !== batch) throw new ShapeError(op, `argument 'lengths' expected ${batch} lengths, got ${lengths.length}`);
  const m = new Float64Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const n = lengths[b];
    if (!Number.isSafeInteger(n) || n < 1 || n > steps)
      throw new ValueError(op, `argument 'lengths' expected integers in [1, ${steps}], got ${n} at batch index ${b}`);
    m.fill(-1e9, b * steps + n, (b + 1) * steps);
  }
  return tensor(m, [batch, 1, steps], { dtype: values.dtype, backend: values.backend });
}

function checkValues(op: string, values: Tensor, size: number): void {
  if (values.rank !== 3 || values.shape[2] !== size || values.shape[1] < 1)
    throw new ShapeError(op, `argument 'values' expected [batch, steps >= 1, ${size}], got [${values.shape.join(', ')}]`);
}

/** Scores [batch, T, S] → weights and contexts, shaped like the queries (rank 2 or 3). */
function weigh(scores: Tensor, memory: AttentionMemory, rank: number): AttentionOutput {
  const weights = softmax(memory.mask ? add(scores, memory.mask) : scores, -1);
  const context = matmul(weights, memory.values);
  if (rank === 3) return { context, weights };
  const [batch, , steps] = weights.shape;
  return { context: reshape(context, [batch, memory.values.shape[2]]), weights: reshape(weights, [batch, steps]) };
}

/** Queries as [batch, T, Q], checked against the memory. */
function asQueries(op: string, queries: Tensor, memory: AttentionMemory, size: number): Tensor {
  const batch = memory.values.shape[0];
  const ok = (queries.rank === 2 || queries.rank === 3) && queries.shape[0] === batch && queries.shape[queries.rank - 1] === size;
  if (!ok)
    throw new ShapeError(
      op,
      `argument 'queries' expected [${batch}, ${size}] or [${batch}, T, ${size}], got [${queries.shape.join(', ')}]`,
    );
  return queries.rank === 3 ? queries : expandDims(queries, 1);
}

/** Base of the two attention layers: `prepare` once per source, `attend` per query. */
abstract class Attention extends Module<AttentionInput, Tensor> {
  constructor(
    readonly querySize: number,
    readonly valueSize: number,
  ) {
    super();
  }

  protected abstract keys(values: Tensor): Tensor;
  protected abstract scores(queries: Tensor, memory: AttentionMemory): Tensor;

  /** Precomputes the keys of `values` [batch, S, K] and the mask of `lengths`. */
  prepare(values: Tensor, lengths?: ArrayLike<number>): AttentionMemory {
    const op = `${this.type}.prepare`;
    checkValues(op, values, this.valueSize);
    const mask = lengths === undefined ? undefined : lengthMask(op, lengths, values);
    return { values, keys: this.keys(values), mask };
  }

  /** Weights and context for queries [batch, Q] (or [batch, T, Q]). */
  attend(queries: Tensor, memory: AttentionMemory): AttentionOutput {
    const q = asQueries(`${this.type}.attend`, queries, memory, this.querySize);
    return weigh(this.scores(q, memory), memory, queries.rank);
  }

  /** The context vectors for `queries` over `values`. */
  forward({ queries, values, lengths }: AttentionInput): Tensor {
    return this.attend(queries, this.prepare(values, lengths)).context;
  }
}

/**
 * Additive (Bahdanau) attention: e_j = vᵀ tanh(W_q q + W_k h_j + b), with `units` hidden units.
 * @example
 * ```ts
 * const att = new AdditiveAttention(4, 6, 8, { seed: 0 });
 * const memory = att.prepare(ones([2, 5, 6]), [5, 3]);
 * const { context, weights } = att.attend(ones([2, 4]), memory);
 * [context.shape, weights.toArray()[1][4]]; // [[2, 6], 0]
 * ```
 */
export class AdditiveAttention extends Attention {
  readonly type = 'AdditiveAttention';
  readonly queryWeight: Variable;
  readonly keyWeight: Variable;
  readonly bias: Variable;
  readonly scoreVector: Variable;

  constructor(
    querySize: number,
    valueSize: number,
    readonly units: number,
    options: LayerOptions = {},
  ) {
    super(querySize, valueSize);
    checkSizes('AdditiveAttention', { querySize, valueSize, units });
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    this.queryWeight = this.addParameter('queryWeight', glorotUniform()([querySize, units], { rng, dtype }));
    this.keyWeight = this.addParameter('keyWeight', glorotUniform()([valueSize, units], { rng, dtype }));
    this.bias = this.addParameter('bias', zeros([units], { dtype }));
    this.scoreVector = this.addParameter('scoreVector', glorotUniform()([units, 1], { rng, dtype }));
  }

  protected keys(values: Tensor): Tensor {
    return matmul(values, this.keyWeight.value, { bias: this.bias.value });
  }

  protected scores(queries: Tensor, memory: AttentionMemory): Tensor {
    const [batch, t] = queries.shape;
    const q = expandDims(matmul(queries, this.queryWeight.value), 2); // [B, T, 1, U]
    const hidden = tanh(add(q, expandDims(memory.keys, 1))); // [B, T, S, U]
    return reshape(matmul(hidden, this.scoreVector.value), [batch, t, memory.keys.shape[1]]);
  }

  /**
   * Its sizes: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new AdditiveAttention(4, 6, 8).config(); // { querySize: 4, valueSize: 6, units: 8, dtype: 'float32' }
   * ```
   */
  override config(): JsonObject {
    return { querySize: this.querySize, valueSize: this.valueSize, units: this.units, dtype: this.bias.value.dtype };
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const querySize = c.int('querySize', { min: 1 });
    const valueSize = c.int('valueSize', { min: 1 });
    const units = c.int('units', { min: 1 });
    context.reserve([querySize + valueSize + 2, units]);
    return new AdditiveAttention(querySize, valueSize, units, { dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}

/** The score of multiplicative attention: 'dot' (qᵀ h, no parameters) or 'general' (qᵀ W h). */
export type MultiplicativeScore = 'dot' | 'general';

/**
 * Multiplicative (Luong) attention: e_j = qᵀ h_j ('dot', query and value sizes equal) or
 * e_j = qᵀ W h_j ('general').
 * @example
 * ```ts
 * const att = new MultiplicativeAttention(3, 3, { score: 'dot' });
 * const values = tensor([[[1, 0, 0], [0, 1, 0]]]);
 * att.attend(tensor([[5, 0, 0]]), att.prepare(values)).weights.toArray()[0][0] > 0.99; // true
 * ```
 */
export class MultiplicativeAttention extends Attention {
  readonly type = 'MultiplicativeAttention';
  readonly score: MultiplicativeScore;
  readonly weight: Variable | undefined;
  readonly #dtype: DType;

  constructor(querySize: number, valueSize: number, options: LayerOptions & { score?: MultiplicativeScore } = {}) {
    super(querySize, valueSize);
    checkSizes('MultiplicativeAttention', { querySize, valueSize });
    this.score = options.score ?? 'general';
    if (this.score !== 'dot' && this.score !== 'general')
      throw new ValueError('MultiplicativeAttention', `argument 'score' expected 'dot' or 'general', got ${String(this.score)}`);
    if (this.score === 'dot' && querySize !== valueSize)
      throw new ValueError('MultiplicativeAttention', `'dot' scores need querySize = valueSize, got ${querySize} and ${valueSize}`);
    const dtype = options.dtype ?? 'float32';
    this.#dtype = dtype;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    this.weight =
      this.score === 'general' ? this.addParameter('weight', glorotUniform()([querySize, valueSize], { rng, dtype })) : undefined;
  }

  protected keys(values: Tensor): Tensor {
    // general: k_j = W h_j, so that e_j = qᵀ k_j
    return this.weight ? matmul(values, this.weight.value, { transposeB: true }) : values;
  }

  protected scores(queries: Tensor, memory: AttentionMemory): Tensor {
    return matmul(queries, memory.keys, { transposeB: true });
  }

  /**
   * Its sizes and score: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new MultiplicativeAttention(4, 6).config(); // { querySize: 4, valueSize: 6, score: 'general', dtype: 'float32' }
   * ```
   */
  override config(): JsonObject {
    return { querySize: this.querySize, valueSize: this.valueSize, score: this.score, dtype: this.#dtype };
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const querySize = c.int('querySize', { min: 1 });
    const valueSize = c.int('valueSize', { min: 1 });
    const score = c.choice('score', ['dot', 'general'], 'general');
    if (score === 'general') context.reserve([querySize, valueSize]);
    return new MultiplicativeAttention(querySize, valueSize, { score, dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}
