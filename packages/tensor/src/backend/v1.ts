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

/**
 * The Backend interface v1. All methods are synchronous; a backend whose storage lives on a
 * device implements `read` by downloading (and may also offer `readAsync`).
 */
export interface BackendV1 {
  readonly apiVersion: 1;
  /** Short name: `js`, `f64`, `wasm`, `tfjs-webgl`, ... */
  readonly name: string;
  /** The dtypes this backend can store. Ops on other dtypes raise a DTypeError. */
  readonly dtypes: readonly DType[];
  info(): BackendInfo;

  // ---- storage -------------------------------------------------------------------------
  /** Stores a copy of `data` as `dtype` (values are converted, e.g. float64 → float32). */
  fromArray(data: ArrayLike<number>, dtype: DType): Handle;
  /** A copy of the stored values, in the typed array of `dtype`. */
  read(handle: Handle, dtype: DType): TypedArray;
  /** Async read, for device backends. */
  readAsync?(handle: Handle, dtype: DType): Promise<TypedArray>;
  /** Frees the storage. Disposing twice is a no-op. */
  dispose(handle: Handle): void;
  /** Number of handles alive (made and not disposed): used by leak tests. */
  liveBuffers(): number;
  /**
   * The most bytes one tensor may take on this backend, and the option that raises it (e.g.
   * `wasmBackend({ maximumBytes })`). Ops refuse larger outputs with an OutOfMemoryError before
   * allocating. Absent: the host's largest typed array (2^32 − 1 elements in Node 20).
   */
  readonly memoryLimit?: { readonly bytes: number; readonly option: string };
  /** A new handle to the same values (used by reshape; data is immutable so it may share). */
  view(handle: Handle, dtype: DType): Handle;
  /** Releases everything the backend holds (workers, device memory). Optional. */
  disposeBackend?(): void;

  // ---- required primitives ---------------------------------------------------------------
  unary(op: UnaryOp, x: Handle, size: number, dtype: DType): Handle;
  /** `leakyRelu`-style parametrised unaries are composed; only this pair is needed. */
  binary(
    op: BinaryOp,
    a: Handle,
    aShape: readonly number[],
    b: Handle,
    bShape: readonly number[],
    outShape: readonly number[],
    dtype: DType,
  ): Handle;
  /** Repeats `x` (of `shape`) along its size-1 / missing leading dimensions to `outShape`. */
  broadcastTo(x: Handle, shape: readonly number[], outShape: readonly number[], dtype: DType): Handle;
  /** where(cond != 0, a, b) with broadcasting; `cond` is int32. */
  where(
    cond: Handle,
    condShape: readonly number[],
    a: Handle,
    aShape: readonly number[],
    b: Handle,
    bShape: readonly number[],
    outShape: readonly number[],
    dtype: DType,
  ): Handle;
  /** Reduces over the (sorted, unique) `axes`; the output shape drops them. */
  reduce(op: ReduceOp, x: Handle, shape: readonly number[], axes: readonly number[], dtype: DType): Handle;
  /** Index of the max/min along `axis` (first on ties; NaN wins), int32, axis dropped. */
  argReduce(op: 'argmax' | 'argmin', x: Handle, shape: readonly number[], axis: number, dtype: DType): Handle;
  transpose(x: Handle, shape: readonly number[], perm: readonly number[], dtype: DType): Handle;
  slice(x: Handle, shape: readonly number[], begin: readonly number[], size: readonly number[], dtype: DType): Handle;
  concat(xs: readonly Handle[], shapes: readonly (readonly number[])[], axis: number, dtype: DType): Handle;
  /** Pads with a constant; `paddings[d] = [before, after]`, non-negative. */
  pad(x: Handle, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number, dtype: DType): Handle;
  /**
   * Gathers along `axis` with int32 `indices` (flat, `indexCount` entries, all in range):
   * output shape = shape[:axis] ++ [indexCount] ++ shape[axis+1:].
   */
  gather(x: Handle, shape: readonly number[], indices: Handle, indexCount: number, axis: number, dtype: DType): Handle;
  /**
   * Zeros of `outShape`, then out[..., indices[i], ...] += updates[..., i, ...] along `axis`;
   * updates shape = outShape[:axis] ++ [indexCount] ++ outShape[axis+1:].
   */
  scatterAdd(outShape: readonly number[], indices: Handle, indexCount: number, updates: Handle, axis: number, dtype: DType): Handle;
  /**
   * Batched matrix product: `batch` independent products of op(a)·op(b), op(a) is [m, k] and
   * op(b) is [k, n]. a is stored [batch, m, k] (or [batch, k, m] when transposeA), b is stored
   * [batch, k, n] (or [batch, n, k] when transposeB). `aBatch`/`bBatch` are 1 or `batch`
   * (a batch of 1 is shared by every product).
   */
  matmul(a: Handle, b: Handle, dims: MatmulDims, dtype: DType): Handle;
  cast(x: Handle, size: number, from: DType, to: DType): Handle;

  // ---- optional fast paths (composite fallbacks exist for each) ---------------------------
  /** op(a)[m,k]·op(b)[k,n] + bias[n], then activation. 2-D only. */
  gemm?(a: Handle, b: Handle, bias: Handle | null, dims: GemmDims, activation: FusedActivation, dtype: DType): Handle;
  /** x [N,H,W,Cin], w [kh,kw,Cin,Cout] → [N,Ho,Wo,Cout]. */
  conv2d?(x: Handle, w: Handle, g: Conv2dGeometry, dtype: DType): Handle;
  /** conv2d then + bias[Cout] on every output pixel (one pass). */
  conv2dBias?(x: Handle, w: Handle, bias: Handle, g: Conv2dGeometry, dtype: DType): Handle;
  /** dy [N,Ho,Wo,Cout], w → dx [N,H,W,Cin]. */
  conv2dBackpropInput?(dy: Handle, w: Handle, g: Conv2dGeometry, dtype: DType): Handle;
  /** x, dy → dw [kh,kw,Cin,Cout]. */
  conv2dBackpropFilter?(x: Handle, dy: Handle, g: Conv2dGeometry, dtype: DType): Handle;
  maxPool2d?(x: Handle, g: Pool2dGeometry, dtype: DType): Handle;
  /** Gradient of maxPool2d: routes dy to the first max of each window. */
  maxPool2dBackward?(dy: Handle, x: Handle, g: Pool2dGeometry, dtype: DType): Handle;
  /** Average over the window, padding excluded from the count. */
  avgPool2d?(x: Handle, g: Pool2dGeometry, dtype: DType): Handle;
  avgPool2dBackward?(dy: Handle, g: Pool2dGeometry, dtype: DType): Handle;
  /** CSR [rows, cols] × dense [cols, n] → [rows, n]. rowPtr/colIdx int32, values of dtype. */
  spmm?(rowPtr: Handle, colIdx: Handle, values: Handle, rows: number, cols: number, dense: Handle, n: number, dtype: DType): Handle;
  /**
   * Mean softmax cross-entropy of logits [n, c] against int32 labels [n]; returns the loss
   * (shape []) and d loss / d logits ([n, c]).
   */
  softmaxCrossEntropy?(logits: Handle, labels: Handle, n: number, c: number, dtype: DType): { loss: Handle; dlogits: Handle };
  /**
   * The elementwise LSTM step from gate pre-activations z [batch, 4H] (blocks i, f, C̃, o) and
   * cPrev [batch, H]: c = σ(z_f)·cPrev + σ(z_i)·tanh(z_C̃), h = σ(z_o)·tanh(c). `saved` holds
   * whatever the backward pass needs (the CPU backends keep the five activations [batch, 5H]
   * so the backward pass computes no exponentials). Comes with `lstmCellBackward`; a backend
   * provides both or neither.
   */
  lstmCell?(
    z: Handle,
    cPrev: Handle,
    batch: number,
    hidden: number,
    dtype: DType,
  ): { h: Handle; c: Handle; saved: Handle; savedSize: number };
  /** Gradients of lstmCell: dz [batch, 4H] and dcPrev [batch, H] from dh and dc (null = zeros). */
  lstmCellBackward?(
    saved: Handle,
    cPrev: Handle,
    dh: Handle | null,
    dc: Handle | null,
    batch: number,
    hidden: number,
    dtype: DType,
  ): { dz: Handle; dcPrev: Handle };
  /**
   * A whole LSTM layer's recurrence over `steps` time steps, from the input projections
   * projected [batch, steps, 4H] (x_t·W_x + b, gate blocks i, f, C̃, o), the recurrent weights
   * weightHh [H, 4H] and the initial state h0, c0 [batch, H]: for t = 0..steps−1,
   * z_t = projected[:, t] + h_{t−1}·weightHh, then the lstmCell step. Returns the outputs
   * sequence [batch, steps, H], the final h and c [batch, H], and `saved` (backend-defined, for
   * the backward pass). Comes with `lstmSequenceBackward`; a backend provides both or neither.
   * (It saves an op per step on the tape, and the recurrent weights' gradient becomes one
   * product over all steps.)
   */
  lstmSequence?(
    projected: Handle,
    weightHh: Handle,
    h0: Handle,
    c0: Handle,
    dims: LstmSequenceDims,
    dtype: DType,
  ): { sequence: Handle; h: Handle; c: Handle; saved: Handle; savedSize: number };
  /**
   * Gradients of lstmSequence from dSequence [batch, steps, H], dh and dc [batch, H] (null =
   * zeros): dProjected [batch, steps, 4H], dWeightHh [H, 4H], dh0 and dc0 [batch, H].
   */
  lstmSequenceBackward?(
    saved: Handle,
    weightHh: Handle,
    dSequence: Handle | null,
    dh: Handle | null,
    dc: Handle | null,
    dims: LstmSequenceDims,
    dtype: DType,
  ): { dProjected: Handle; dWeightHh: Handle; dh0: Handle; dc0: Handle };
  /**
   * One Adam step over `size` values (the op adamUpdate; m and v null = zeros):
   *   g' = g + weightDecay·w;  m' = β1·m + (1 − β1)·g';  v' = β2·v + (1 − β2)·g'²;
   *   w' = w − stepSize·m'/(√v' + epsilon) − decay·w.
   * stepSize and epsilon come with the bias corrections already folded in.
   */
  adamStep?(
    w: Handle,
    g: Handle,
    m: Handle | null,
    v: Handle | null,
    size: number,
    params: AdamStepParams,
    dtype: DType,
  ): { w: Handle; m: Handle; v: Handle };
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

/** Names of the optional fast paths, for conformance reports and `info()`. */
export const FAST_PATHS = [
  'gemm',
  'conv2d',
  'conv2dBias',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'spmm',
  'softmaxCrossEntropy',
  'lstmCell',
  'lstmCellBackward',
  'lstmSequence',
  'lstmSequenceBackward',
  'adamStep',
] as const;

export type FastPath = (typeof FAST_PATHS)[number];
