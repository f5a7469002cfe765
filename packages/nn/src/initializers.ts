/**
 * Weight initialisers. Each is a function `(shape, {rng, dtype}) → Tensor` drawing from the
 * seeded generator (never Math.random). Fans follow the layouts: a dense weight [in, out]
 * has fanIn = in, fanOut = out; a conv filter [kh, kw, cin, cout] has fanIn = kh·kw·cin,
 * fanOut = kh·kw·cout.
 */
import { type DType, type Rng, ShapeError, type Tensor, ValueError, full, randn, tensor, uniform } from '@lec/tensor';

/** What an initialiser draws with: a generator (the global one when absent) and a dtype. */
export interface InitContext {
  rng?: Rng;
  dtype?: DType;
}

/** A weight initialiser: returns a new tensor of `shape`. */
export type Initializer = (shape: readonly number[], context?: InitContext) => Tensor;

/**
 * fanIn and fanOut of a weight shape: [n] → (n, n); [in, out] → (in, out);
 * [..., cin, cout] → (r·cin, r·cout) with r the product of the leading (kernel) dims.
 * @example
 * ```ts
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 * ```
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ShapeError('computeFans', `argument 'shape' expected non-negative integers, got ${JSON.stringify(shape)}`);
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/**
 * Glorot/Xavier uniform (Glorot & Bengio 2010): U(−a, a), a = gain·√(6 / (fanIn + fanOut)).
 * @example
 * ```ts
 * glorotUniform()([4, 3], { rng: new Rng(0) }).shape; // [4, 3]
 * ```
 */
export function glorotUniform(gain = 1): Initializer {
  return (shape, context = {}) => {
    const { fanIn, fanOut } = computeFans(shape);
    const a = gain * Math.sqrt(6 / Math.max(1, fanIn + fanOut));
    return uniform(shape, -a, a, { rng: context.rng, dtype: context.dtype });
  };
}

/**
 * Glorot/Xavier normal: N(0, σ²), σ = gain·√(2 / (fanIn + fanOut)).
 * @example
 * ```ts
 * glorotNormal()([4, 3], { rng: new Rng(0) }).shape; // [4, 3]
 * ```
 */
export function glorotNormal(gain = 1): Initializer {
  return (shape, context = {}) => {
    const { fanIn, fanOut } = computeFans(shape);
    return randn(shape, { std: gain * Math.sqrt(2 / Math.max(1, fanIn + fanOut)), rng: context.rng, dtype: context.dtype });
  };
}

/**
 * He/Kaiming uniform (He et al. 2015) for ReLU nets: U(−a, a), a = √(6 / fanIn)·gain/√2
 * (gain √2 by default, so a = √(6 / fanIn)).
 * @example
 * ```ts
 * heUniform()([784, 128], { rng: new Rng(0) }).shape; // [784, 128]
 * ```
 */
export function heUniform(gain = Math.SQRT2): Initializer {
  return (shape, context = {}) => {
    const { fanIn } = computeFans(shape);
    const a = gain * Math.sqrt(3 / Math.max(1, fanIn));
    return uniform(shape, -a, a, { rng: context.rng, dtype: context.dtype });
  };
}

/**
 * He/Kaiming normal: N(0, σ²), σ = gain/√fanIn (gain √2 by default: σ = √(2 / fanIn)).
 * @example
 * ```ts
 * heNormal()([784, 128], { rng: new Rng(0) }).shape; // [784, 128]
 * ```
 */
export function heNormal(gain = Math.SQRT2): Initializer {
  return (shape, context = {}) => {
    const { fanIn } = computeFans(shape);
    return randn(shape, { std: gain / Math.sqrt(Math.max(1, fanIn)), rng: context.rng, dtype: context.dtype });
  };
}

/**
 * Normal N(mean, std²) (embeddings use N(0, 1)).
 * @example
 * ```ts
 * normalInit(0, 0.02)([10, 4], { rng: new Rng(0) }).shape; // [10, 4]
 * ```
 */
export function normalInit(mean = 0, std = 1): Initializer {
  return (shape, context = {}) => randn(shape, { mean, std, rng: context.rng, dtype: context.dtype });
}

/**
 * Orthogonal (Saxe et al. 2014): the weight viewed as a [rows, cols] matrix (rows = product
 * of all but the last dim) has orthonormal columns (rows ≥ cols) or rows, times `gain`. It is
 * the Q of a QR factorisation of a Gaussian matrix, by modified Gram–Schmidt (run twice for
 * stability) in plain float64 JavaScript; the signs follow R's positive diagonal.
 * @example
 * ```ts
 * const w = orthogonal()([3, 3], { rng: new Rng(0) });
 * max(abs(sub(matmul(transpose(w), w), eye(3)))).item(); // ≈ 0 (wᵀ·w = I)
 * ```
 */
export function orthogonal(gain = 1): Initializer {
  return (shape, context = {}) => {
    if (shape.length < 2) throw new ValueError('orthogonal', `argument 'shape' expected rank >= 2, got [${shape.join(', ')}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    // a: m×n Gaussian, column-major (column j at j*m)
    const a = context.rng ? context.rng.normal(m * n) : Float64Array.from(randn([m * n]).dataSync());
    for (let j = 0; j < n; j++) {
      const cj = a.subarray(j * m, (j + 1) * m);
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          const ci = a.subarray(i * m, (i + 1) * m);
          let dot = 0;
          for (let r = 0; r < m; r++) dot += ci[r] * cj[r];
          for (let r = 0; r < m; r++) cj[r] -= dot * ci[r];
        }
      }
      let norm = 0;
      for (let r = 0; r < m; r++) norm += cj[r] * cj[r];
      norm = Math.sqrt(norm);
      // a Gaussian column is almost surely independent of the others; guard anyway
      const inv = norm > 1e-300 ? 1 / norm : 0;
      for (let r = 0; r < m; r++) cj[r] *= inv;
    }
    // Q is m×n with orthonormal columns: out[r][c] = Q[r][c] (rows ≥ cols) or Q[c][r]
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? a[c * m + r] : a[r * m + c]);
    }
    return tensor(out, shape, { dtype: context.dtype ?? 'float32' });
  };
}

/**
 * A constant fill.
 * @example
 * ```ts
 * constantInit(0.1)([2]).toArray(); // [0.1, 0.1] (in float32)
 * ```
 */
export function constantInit(value: number): Initializer {
  return (shape, context = {}) => full(shape, value, { dtype: context.dtype });
}

/**
 * Zeros (biases, LayerNorm/BatchNorm shifts).
 * @example
 * ```ts
 * zerosInit()([2]).toArray(); // [0, 0]
 * ```
 */
export function zerosInit(): Initializer {
  return constantInit(0);
}

/**
 * Ones (LayerNorm/BatchNorm scales).
 * @example
 * ```ts
 * onesInit()([2]).toArray(); // [1, 1]
 * ```
 */
export function onesInit(): Initializer {
  return constantInit(1);
}
