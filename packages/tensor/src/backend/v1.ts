/**
 * The Backend interface, version 1.
 *
 * A backend owns tensor storage and runs primitives on it. It knows nothing about
 * gradients: autograd lives above it, in the ops. Every primitive takes opaque storage
 * handles plus the shapes and dtypes it needs, and returns a *new* handle holding a
 * contiguous, row-major result. Handles are immutable values: a primitive never writes into
 * its inputs.
 *
 * The required set is small (storage + about 30 primitives). The optional fast paths at the
 * bottom are used when present; when a backend lacks one, the op falls back to its composite
 * definition built from the required primitives, so a backend that implements only the
 * required set can still train every model.
 *
 * Layout conventions: images NHWC, filters [kh, kw, cin, cout], matrices row-major.
 */
import type { DType, TypedArray } from '../dtype.js';

/** An opaque storage handle. Only the backend that made it may look inside. */
export type Handle = unknown;

/** Elementwise unary primitives. `step` is 1 where x > 0, else 0 (the ReLU derivative). */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'square'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'step'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'sin'
  | 'cos';

/** Elementwise binary arithmetic primitives (numpy broadcasting). Output dtype = input dtype. */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Comparison primitives (numpy broadcasting). Output dtype is always `int32` (0 or 1). */
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

export type BinaryOp = ArithmeticOp | CompareOp;

/** Reductions. */
export type ReduceOp = 'sum' | 'max' | 'min';

/** Activations a fused gemm may apply after the bias. */
export type FusedActivation = 'none' | 'relu' | 'sigmoid' | 'tanh';

/** Geometry of a 2-D convolution, fully resolved (explicit padding). NHWC / [kh, kw, cin, cout]. */
export interface Conv2dGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** Padding below and right (may differ from top/left for 'same' with even kernels). */
  padBottom: number;
  padRight: number;
}

/** Geometry of a 2-D pooling window, NHWC (channels pass through). */
export interface Pool2dGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  windowHeight: number;
  windowWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

/** What a backend reports about itself (`backend.info()`). */
export interface BackendInfo {
  name: string;
  /** Free-form facts: feature level picked and why, thread count, device. */
  [key: string]: unknown;
}

/** An operand of a broadcasting primitive: a handle and the shape it holds. */
export interface Operand<H = Handle> {
  handle: H;
  shape: readonly number[];
}

/** Arguments of `binary`: `a op b` with numpy broadcasting to `outShape`. */
export interface BinaryArgs<H = Handle> {
  op: BinaryOp;
  a: Operand<H>;
  b: Operand<H>;
  outShape: readonly number[];
  dtype: DType;
}

/** Arguments of `where`: where(cond != 0, a, b) with broadcasting; `cond` is int32. */
export interface WhereArgs<H = Handle> {
  cond: Operand<H>;
  a: Operand<H>;
  b: Operand<H>;
  outShape: readonly number[];
  dtype: DType;
}

/**
 * Arguments of `gather`: along `axis` with int32 `indices` (flat, `indexCount` entries, all
 * in range); output shape = shape[:axis] ++ [indexCount] ++ shape[axis+1:].
 */
export interface GatherArgs<H = Handle> {
  x: H;
  shape: readonly number[];
  indices: H;
  indexCount: number;
  axis: number;
  dtype: DType;
}

/**
 * Arguments of `scatterAdd`: zeros of `outShape`, then out[..., indices[i], ...] +=
 * updates[..., i, ...] along `axis`; updates shape = outShape[:axis] ++ [indexCount] ++
 * outShape[axis+1:].
 */
export interface ScatterAddArgs<H = Handle> {
  outShape: readonly number[];
  indices: H;
  indexCount: number;
  updates: H;
  axis: number;
  dtype: DType;
}

/** Arguments of the `spmm` fast path: CSR [rows, cols] (rowPtr/colIdx int32, values of dtype) × dense [cols, n]. */
export interface SpmmArgs<H = Handle> {
  rowPtr: H;
  colIdx: H;
  values: H;
  rows: number;
  cols: number;
  dense: H;
  n: number;
  dtype: DType;
}

/** What lstmCell's forward returns: h and c [batch, H] and what its backward needs. */
export interface LstmCellForward<H = Handle> {
  h: H;
  c: H;
  saved: H;
  savedSize: number;
}

/** What lstmSequence's forward returns. */
export interface LstmSequenceForward<H = Handle> {
  sequence: H;
  h: H;
  c: H;
  saved: H;
  savedSize: number;
}

/**
 * The optional fast paths of a backend, as one typed record (`backend.fastPaths`). An op uses
 * an entry when the backend has it and otherwise falls back to its composite definition, so
 * `{}` is a valid record (the f64 reference has exactly that). A backend builds its record
 * from per-family modules and a faster backend spreads a slower one's record and overrides
 * entries (see `jsFastPaths` and the wasm backend). An op's forward and backward passes are
 * one entry (`{ forward, backward }`; conv2d's `{ forward, backwardInput, backwardFilter }`),
 * so a backend cannot have half of a pair: a fast forward with a composite backward (or the
 * reverse) would let the two disagree about ties, NaN and layout (the LSTM's `saved`).
 *
 * Every entry is written with method syntax so a record over a backend's own handle type
 * (`FastPaths<CpuHandle>`) is usable where `FastPaths<unknown>` is expected.
 */
export interface FastPaths<H = Handle> {
  /** op(a)[m,k]·op(b)[k,n] + bias[n], then activation. 2-D only. */
  gemm?(a: H, b: H, bias: H | null, dims: GemmDims, activation: FusedActivation, dtype: DType): H;
  /**
   * The convolution and its two gradients, one entry: forward x [N,H,W,Cin], w [kh,kw,Cin,Cout]
   * → [N,Ho,Wo,Cout]; backwardInput dy [N,Ho,Wo,Cout], w → dx [N,H,W,Cin]; backwardFilter
   * x, dy → dw [kh,kw,Cin,Cout].
   */
  conv2d?: {
    forward(x: H, w: H, g: Conv2dGeometry, dtype: DType): H;
    backwardInput(dy: H, w: H, g: Conv2dGeometry, dtype: DType): H;
    backwardFilter(x: H, dy: H, g: Conv2dGeometry, dtype: DType): H;
  };
  /** conv2d then + bias[Cout] on every output pixel (one pass; its gradients are conv2d's). */
  conv2dBias?(x: H, w: H, bias: H, g: Conv2dGeometry, dtype: DType): H;
  /** Max over the window; backward routes dy to the first max of each window (a NaN wins). */
  maxPool2d?: {
    forward(x: H, g: Pool2dGeometry, dtype: DType): H;
    backward(dy: H, x: H, g: Pool2dGeometry, dtype: DType): H;
  };
  /** Average over the window, padding excluded from the count; backward spreads dy back. */
  avgPool2d?: {
    forward(x: H, g: Pool2dGeometry, dtype: DType): H;
    backward(dy: H, g: Pool2dGeometry, dtype: DType): H;
  };
  /** CSR [rows, cols] × dense [cols, n] → [rows, n]. */
  spmm?(args: SpmmArgs<H>): H;
  /**
   * Mean softmax cross-entropy of logits [n, c] against int32 labels [n]; returns the loss
   * (shape []) and d loss / d logits ([n, c]).
   */
  softmaxCrossEntropy?(logits: H, labels: H, n: number, c: number, dtype: DType): { loss: H; dlogits: H };
  /**
   * The elementwise LSTM step from gate pre-activations z [batch, 4H] (blocks i, f, C̃, o) and
   * cPrev [batch, H]: c = σ(z_f)·cPrev + σ(z_i)·tanh(z_C̃), h = σ(z_o)·tanh(c). `saved` holds
   * whatever the backward pass needs (the CPU backends keep the five activations [batch, 5H]
   * so the backward pass computes no exponentials). The backward pass gives dz [batch, 4H]
   * and dcPrev [batch, H] from dh and dc (null = zeros).
   */
  lstmCell?: {
    forward(z: H, cPrev: H, batch: number, hidden: number, dtype: DType): LstmCellForward<H>;
    backward(saved: H, cPrev: H, dh: H | null, dc: H | null, batch: number, hidden: number, dtype: DType): { dz: H; dcPrev: H };
  };
  /**
   * A whole LSTM layer's recurrence over `steps` time steps, from the input projections
   * projected [batch, steps, 4H] (x_t·W_x + b, gate blocks i, f, C̃, o), the recurrent weights
   * weightHh [H, 4H] and the initial state h0, c0 [batch, H]: for t = 0..steps−1,
   * z_t = projected[:, t] + h_{t−1}·weightHh, then the lstmCell step. The forward pass
   * returns the outputs sequence [batch, steps, H], the final h and c [batch, H], and `saved`
   * (backend-defined). The backward pass gives dProjected [batch, steps, 4H], dWeightHh
   * [H, 4H], dh0 and dc0 [batch, H] from dSequence [batch, steps, H], dh and dc [batch, H]
   * (null = zeros). (It saves an op per step on the tape, and the recurrent weights' gradient
   * becomes one product over all steps.)
   */
  lstmSequence?: {
    forward(projected: H, weightHh: H, h0: H, c0: H, dims: LstmSequenceDims, dtype: DType): LstmSequenceForward<H>;
    backward(
      saved: H,
      weightHh: H,
      dSequence: H | null,
      dh: H | null,
      dc: H | null,
      dims: LstmSequenceDims,
      dtype: DType,
    ): { dProjected: H; dWeightHh: H; dh0: H; dc0: H };
  };
  /**
   * One Adam step over `size` values (the op adamUpdate; m and v null = zeros):
   *   g' = g + weightDecay·w;  m' = β1·m + (1 − β1)·g';  v' = β2·v + (1 − β2)·g'²;
   *   w' = w − stepSize·m'/(√v' + epsilon) − decay·w.
   * stepSize and epsilon come with the bias corrections already folded in.
   */
  adamStep?(w: H, g: H, m: H | null, v: H | null, size: number, params: AdamStepParams, dtype: DType): { w: H; m: H; v: H };
  /**
   * One SGD step over `size` values (the op sgdUpdate; b null = no state yet):
   *   g' = g + weightDecay·w;  without momentum w' = w − g'·learningRate (b is null);
   *   with momentum b' = momentum·b + g' (g' without state), d = nesterov ? g' + b'·momentum : b',
   *   w' = w − d·learningRate.
   */
  sgdStep?(w: H, g: H, b: H | null, size: number, params: SgdStepParams, dtype: DType): { w: H; b: H | null };
  /**
   * One RMSprop step over `size` values (the op rmspropUpdate; s and d null = no state yet):
   *   g' = g + w·weightDecay;  s' = s·rho + g'²·(1 − rho);  q = g'/(√s' + epsilon);
   *   without momentum w' = w − q·learningRate (d is null); with it d' = d·momentum + q,
   *   w' = w − d'·learningRate.
   */
  rmspropStep?(w: H, g: H, s: H | null, d: H | null, size: number, params: RmspropStepParams, dtype: DType): { w: H; s: H; d: H | null };
  /** Whether every entry of every handle (all of `dtype`, float32 or float64) is finite: `allFinite`. */
  allFinite?(handles: readonly H[], dtype: DType): boolean;
  /**
   * The gradient of an activation in one pass (the ops relu, sigmoid and tanh use it in their
   * backward pass): relu dy·step(x) from its input x; sigmoid dy·(y·(1 − y)) and tanh
   * dy·(1 − y²) from its output y. dy and `saved` have `size` elements of `dtype`. It must give
   * the composite's result (those ops in that order), NaN and ±∞ included.
   */
  activationBackward?(activation: 'relu' | 'sigmoid' | 'tanh', dy: H, saved: H, size: number, dtype: DType): H;
  /**
   * The backward pass of a dense layer's epilogue y = act(x·W + b), y [m, n], in one read of dy
   * (matmul with `activation`): dz = dy·act'(y) from the saved output y (relu step(y), sigmoid
   * y·(1 − y), tanh 1 − y²; the activationBackward formulas, NaN and ±∞ included) and, when
   * `bias`, dbias [n] = the sum of dz over the m rows (in row order). The two gradient products
   * (dz·Wᵀ, xᵀ·dz) then run as matmul.
   */
  biasActivationBackward?(
    activation: 'relu' | 'sigmoid' | 'tanh',
    dy: H,
    y: H,
    m: number,
    n: number,
    bias: boolean,
    dtype: DType,
  ): { dz: H; dbias: H | null };
  /**
   * The mean squared error of prediction against target (`size` values each) and its gradient
   * in one pass: loss (shape []) = Σ(p − t)²/size, dprediction = (p − t)·(2/size).
   */
  meanSquaredError?(prediction: H, target: H, size: number, dtype: DType): { loss: H; dprediction: H };
}

/**
 * The Backend interface v1, generic in its handle type `H` (what `fromArray` returns and
 * every primitive takes; ops see it as the opaque `Handle`). All methods are synchronous; a
 * backend whose storage lives on a device implements `read` by downloading (and may also
 * offer `readAsync`). Required: storage and the primitives below. Optional: the entries of
 * `fastPaths`.
 */
export interface BackendV1<H = Handle> {
  readonly apiVersion: 1;
  /** Short name: `js`, `f64`, `wasm`, `tfjs-webgl`, ... */
  readonly name: string;
  /** The dtypes this backend can store. Ops on other dtypes raise a DTypeError. */
  readonly dtypes: readonly DType[];
  info(): BackendInfo;
  /** The optional fast paths this backend has (`{}` for none). */
  readonly fastPaths: FastPaths<H>;

  // ---- storage -------------------------------------------------------------------------
  /** Stores a copy of `data` as `dtype` (values are converted, e.g. float64 → float32). */
  fromArray(data: ArrayLike<number>, dtype: DType): H;
  /**
   * Optional: keeps `data` itself as the storage, without a copy, when the backend can (its
   * array type is the one the backend stores `dtype` in); otherwise returns null and the
   * caller copies through `fromArray`. The caller hands `data` over: it never writes to it
   * again. Used by `tensor(data, shape, { transfer: true })`.
   */
  adoptArray?(data: TypedArray, dtype: DType): H | null;
  /**
   * Optional: a typed array of `size` elements from the backend's own storage for `dtype`
   * (the wasm backend: a view of a block of its linear memory), any contents, for a caller
   * that writes every element and then hands it over with `adoptArray`: a tensor made that
   * way costs no copy. Used by `emptyArray`.
   */
  arrayToFill?(dtype: DType, size: number): TypedArray;
  /** A copy of the stored values, in the typed array of `dtype`. */
  read(handle: H, dtype: DType): TypedArray;
  /** Async read, for device backends. */
  readAsync?(handle: H, dtype: DType): Promise<TypedArray>;
  /** Frees the storage. Disposing twice is a no-op. */
  dispose(handle: H): void;
  /** Number of handles alive (made and not disposed): used by leak tests. */
  liveBuffers(): number;
  /**
   * The most bytes one tensor may take on this backend, and the option that raises it (e.g.
   * `wasmBackend({ maximumBytes })`). Ops refuse larger outputs with an OutOfMemoryError before
   * allocating. Absent: the host's largest typed array (2^32 − 1 elements in Node 20).
   */
  readonly memoryLimit?: { readonly bytes: number; readonly option: string };
  /** A new handle to the same values (used by reshape; data is immutable so it may share). */
  view(handle: H, dtype: DType): H;
  /** Releases everything the backend holds (workers, device memory). Optional. */
  disposeBackend?(): void;

  // ---- required primitives ---------------------------------------------------------------
  unary(op: UnaryOp, x: H, size: number, dtype: DType): H;
  /** `leakyRelu`-style parametrised unaries are composed; only this pair is needed. */
  binary(args: BinaryArgs<H>): H;
  /** Repeats `x` (of `shape`) along its size-1 / missing leading dimensions to `outShape`. */
  broadcastTo(x: H, shape: readonly number[], outShape: readonly number[], dtype: DType): H;
  where(args: WhereArgs<H>): H;
  /** Reduces over the (sorted, unique) `axes`; the output shape drops them. */
  reduce(op: ReduceOp, x: H, shape: readonly number[], axes: readonly number[], dtype: DType): H;
  /** Index of the max/min along `axis` (first on ties; NaN wins), int32, axis dropped. */
  argReduce(op: 'argmax' | 'argmin', x: H, shape: readonly number[], axis: number, dtype: DType): H;
  transpose(x: H, shape: readonly number[], perm: readonly number[], dtype: DType): H;
  slice(x: H, shape: readonly number[], begin: readonly number[], size: readonly number[], dtype: DType): H;
  concat(xs: readonly H[], shapes: readonly (readonly number[])[], axis: number, dtype: DType): H;
  /** Pads with a constant; `paddings[d] = [before, after]`, non-negative. */
  pad(x: H, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number, dtype: DType): H;
  gather(args: GatherArgs<H>): H;
  scatterAdd(args: ScatterAddArgs<H>): H;
  /**
   * Batched matrix product: `batch` independent products of op(a)·op(b), op(a) is [m, k] and
   * op(b) is [k, n]. a is stored [batch, m, k] (or [batch, k, m] when transposeA), b is stored
   * [batch, k, n] (or [batch, n, k] when transposeB). `aBatch`/`bBatch` are 1 or `batch`
   * (a batch of 1 is shared by every product).
   */
  matmul(a: H, b: H, dims: MatmulDims, dtype: DType): H;
  cast(x: H, size: number, from: DType, to: DType): H;
}

/** `BackendV1<H>` under its short name. */
export type Backend<H = Handle> = BackendV1<H>;

/** Hyper-parameters of one sgdStep call (momentum 0: plain SGD). */
export interface SgdStepParams {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** Hyper-parameters of one rmspropStep call (momentum 0: no momentum state). */
export interface RmspropStepParams {
  learningRate: number;
  rho: number;
  epsilon: number;
  momentum: number;
  weightDecay: number;
}

/** Hyper-parameters of one adamStep call. */
export interface AdamStepParams {
  beta1: number;
  beta2: number;
  stepSize: number;
  epsilon: number;
  weightDecay: number;
  decay: number;
}

/** Sizes of an lstmSequence call. */
export interface LstmSequenceDims {
  batch: number;
  steps: number;
  hidden: number;
}

export interface MatmulDims {
  batch: number;
  aBatch: number;
  bBatch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

export interface GemmDims {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * How a fast path is shaped: `'function'`, or for an entry of several functions the name
 * each member is known by (in `info().fastPaths`, the conformance report and the docs).
 */
export type FastPathKind = 'function' | { readonly [member: string]: string };

/**
 * Every fast path of `FastPaths` and its kind: `'function'`, or each member of a grouped entry
 * with its public name. `satisfies` makes the compiler reject this table when the interface
 * gains (or loses) an entry or a member it does not list, so the lists derived from it
 * (`FAST_PATHS`, `info().fastPaths`, the conformance report, the docs) cannot drift.
 */
export const FAST_PATH_KINDS = {
  gemm: 'function',
  conv2d: { forward: 'conv2d', backwardInput: 'conv2dBackpropInput', backwardFilter: 'conv2dBackpropFilter' },
  conv2dBias: 'function',
  maxPool2d: { forward: 'maxPool2d', backward: 'maxPool2dBackward' },
  avgPool2d: { forward: 'avgPool2d', backward: 'avgPool2dBackward' },
  spmm: 'function',
  softmaxCrossEntropy: 'function',
  lstmCell: { forward: 'lstmCell', backward: 'lstmCellBackward' },
  lstmSequence: { forward: 'lstmSequence', backward: 'lstmSequenceBackward' },
  adamStep: 'function',
  sgdStep: 'function',
  rmspropStep: 'function',
  allFinite: 'function',
  activationBackward: 'function',
  biasActivationBackward: 'function',
  meanSquaredError: 'function',
} as const satisfies {
  readonly [K in keyof Required<FastPaths>]: Required<FastPaths>[K] extends (...args: never[]) => unknown
    ? 'function'
    : { readonly [M in keyof Required<FastPaths>[K]]-?: string };
};

/** A fast path's name: a key of `FastPaths`. */
export type FastPath = keyof FastPaths;

/** Names of the optional fast paths (the keys of `FastPaths`), in the interface's order. */
export const FAST_PATHS = Object.keys(FAST_PATH_KINDS) as FastPath[];

/**
 * The functions of one entry as [member, public name]; a function entry is `[[null, name]]`.
 * @example
 * ```ts
 * fastPathMembers('maxPool2d'); // [['forward', 'maxPool2d'], ['backward', 'maxPool2dBackward']]
 * ```
 */
export function fastPathMembers(name: FastPath): [member: string | null, publicName: string][] {
  const kind: FastPathKind = FAST_PATH_KINDS[name];
  return kind === 'function' ? [[null, name]] : Object.entries(kind);
}

/**
 * Every fast-path function by name: a function entry under its own name, each member of a
 * grouped entry under its public name (`lstmCellBackward`, `conv2dBackpropInput`). The
 * conformance suite checks and counts each of these.
 */
export const FAST_PATH_FUNCTIONS: readonly string[] = FAST_PATHS.flatMap((name) => fastPathMembers(name).map(([, n]) => n));

/**
 * The fast-path functions a record holds, each under its public name (see
 * `FAST_PATH_FUNCTIONS`). For conformance reports and docs.
 * @example
 * ```ts
 * fastPathNames(jsBackend().fastPaths).includes('lstmCellBackward'); // true
 * fastPathNames(f64Backend().fastPaths); // []
 * ```
 */
export function fastPathNames(record: FastPaths<unknown>): string[] {
  return FAST_PATHS.flatMap((name) => (record[name] === undefined ? [] : fastPathMembers(name).map(([, n]) => n)));
}

/** Any fast-path function, as `wrapFastPaths` hands it over. */
export type FastPathFunction = (...args: never[]) => unknown;

/**
 * A new record whose every function is `wrap(publicName, fn)` (members of grouped entries
 * too); for instrumenting a record (counting calls, naming errors). The record is untouched.
 * @example
 * ```ts
 * const seen: string[] = [];
 * const traced = wrapFastPaths(jsBackend().fastPaths, (name, fn) => (...args) => (seen.push(name), fn(...args)));
 * Object.keys(traced).includes('lstmCell'); // true
 * ```
 */
export function wrapFastPaths<H>(record: FastPaths<H>, wrap: (name: string, fn: FastPathFunction) => FastPathFunction): FastPaths<H> {
  const out: Record<string, unknown> = {};
  for (const name of FAST_PATHS) {
    const entry = record[name] as unknown;
    if (entry === undefined) continue;
    const members = fastPathMembers(name);
    if (members[0][0] === null) out[name] = wrap(name, entry as FastPathFunction);
    else out[name] = Object.fromEntries(members.map(([m, n]) => [m, wrap(n, (entry as Record<string, FastPathFunction>)[m as string])]));
  }
  return out as FastPaths<H>;
}
