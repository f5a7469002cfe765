/**
 * The tfjs backend: lec's Backend interface v1 on @tensorflow/tfjs-core 4.22.
 *
 * Every handle wraps a `tf.Tensor` that stays on the tfjs device (WebGL texture, WebGPU
 * buffer, wasm heap or a JS typed array for tfjs-cpu); a primitive never downloads. Each
 * primitive runs inside its own `tf.tidy`, so every tfjs intermediate is freed before it
 * returns and the only tensor left is the result. `read` downloads with `dataSync`,
 * `readAsync` with `data()`.
 *
 * tfjs's semantics differ from lec's reference in a few corners (NaN through sign, max,
 * argmax and max-pooling; -0 through sign; integer division by zero; empty reductions on
 * tfjs-wasm; padding counted by avg-pool gradients). Those primitives are composed from
 * tfjs ops so the result matches the f64 reference on every tfjs device.
 *
 * Layouts: images NHWC, filters [kh, kw, cin, cout], matrices row-major.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendError,
  DTypeError,
  ValueError,
  type BackendInfo,
  type BackendV1,
  type BinaryArgs,
  type BinaryOp,
  type Conv2dGeometry,
  type DType,
  type FastPaths,
  type FusedActivation,
  type GatherArgs,
  type GemmDims,
  type MatmulDims,
  type Pool2dGeometry,
  type ReduceOp,
  type ScatterAddArgs,
  type SpmmArgs,
  type TypedArray,
  type UnaryOp,
  type WhereArgs,
} from '@lec/tensor';
import { avgPoolBackwardByTaps, avgPoolByTaps, maxPoolBackwardByTaps } from './pool-taps.js';

/** The tfjs backends this package drives. */
export type TfjsDevice = 'webgl' | 'webgpu' | 'wasm' | 'cpu';

/** A lec storage handle: one tf.Tensor (any shape; primitives reshape to the shape they are given). */
export class TfHandle {
  /** @internal */
  constructor(public tensor: tf.Tensor | null) {}
}

type T = tf.Tensor;
/** lec dtypes as tfjs dtypes (float64 never reaches tfjs: `check` rejects it first). */
const td = (d: DType): 'float32' | 'int32' => (d === 'int32' ? 'int32' : 'float32');
type Pads4 = [[number, number], [number, number], [number, number], [number, number]];

const COMPARE: Partial<Record<BinaryOp, (a: T, b: T) => T>> = {
  equal: tf.equal,
  notEqual: tf.notEqual,
  less: tf.less,
  lessEqual: tf.lessEqual,
  greater: tf.greater,
  greaterEqual: tf.greaterEqual,
};

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Options of the TfjsBackend constructor (see `tfjsBackend()` for the async factory). */
export interface TfjsBackendOptions {
  /** Which tfjs backend runs the kernels; it must be registered and initialised (`tf.setBackend`). */
  device: TfjsDevice;
  /**
   * Check gather/scatterAdd indices are in range, raising a ValueError like the reference
   * backends do. Costs one small download per call on GPU devices. Default true.
   */
  validateIndices?: boolean;
}

/**
 * lec's Backend interface v1 on tfjs-core. Make one with `await tfjsBackend({ backend })`,
 * which selects and initialises the tfjs backend first.
 */
export class TfjsBackend implements BackendV1<TfHandle> {
  readonly apiVersion = 1 as const;
  readonly name: string;
  /** tfjs has no float64. */
  readonly dtypes: readonly DType[] = ['float32', 'int32'];
  readonly device: TfjsDevice;
  private readonly validateIndices: boolean;
  /** webgl or webgpu: shaders with GPU arithmetic corners (see unary/binary). */
  private readonly gpu: boolean;
  private live = 0;
  /** The fast paths this device has (see declareFastPaths). */
  readonly fastPaths: FastPaths<TfHandle>;
  private readonly registry: FinalizationRegistry<tf.Tensor>;
  private reclaimed = 0;

  constructor(options: TfjsBackendOptions) {
    this.device = options.device;
    this.name = `tfjs-${options.device}`;
    this.validateIndices = options.validateIndices ?? true;
    this.gpu = options.device === 'webgl' || options.device === 'webgpu';
    // Safety net: a lec Tensor dropped without dispose() frees its tf.Tensor when collected.
    this.registry = new FinalizationRegistry((t: tf.Tensor) => {
      if (!t.isDisposed) {
        t.dispose();
        this.live--;
        this.reclaimed++;
      }
    });
    this.fastPaths = this.declareFastPaths();
  }

  /**
   * The fast paths this device has: each entry is listed only when the selected tfjs backend
   * has a kernel for it that matches lec's reference (the others run lec's composite).
   */
  private declareFastPaths(): FastPaths<TfHandle> {
    const device = this.device;
    const fast: FastPaths<TfHandle> = {
      gemm: (a, b, bias, dims, activation, dtype) => this.gemmFast(a, b, bias, dims, activation, dtype),
      // a pooling gradient this device's tfjs kernel does not give as lec defines it runs as a
      // loop over the window's taps (pool-taps.ts), so both halves of each pair are faithful
      maxPool2d: {
        forward: (x, g, dtype) => this.maxPool2dFast(x, g, dtype),
        backward: (dy, x, g, dtype) => this.maxPool2dBackwardFast(dy, x, g, dtype),
      },
      avgPool2d: {
        forward: (x, g, dtype) => this.avgPool2dFast(x, g, dtype),
        backward: (dy, g, dtype) => this.avgPool2dBackwardFast(dy, g, dtype),
      },
      spmm: (args) => this.spmmFast(args),
      softmaxCrossEntropy: (logits, labels, n, c, dtype) => this.softmaxCrossEntropyFast(logits, labels, n, c, dtype),
    };
    // tfjs has no LSTM-cell kernel: a fused step of tfjs ops follows lec's non-finite rule where
    // float32 composites cannot (on every device: the browser page checks it on WebGL)
    fast.lstmCell = {
      forward: (z, cPrev, batch, hidden, dtype) => this.lstmCellForward(z, cPrev, batch, hidden, dtype),
      backward: (saved, cPrev, dh, dc, batch, hidden, dtype) => this.lstmCellBackward(saved, cPrev, dh, dc, batch, hidden, dtype),
    };
    if (tf.getKernel(tf.Conv2DBackpropInput, device))
      fast.conv2d = {
        forward: (x, w, g, dtype) => this.conv2dFast(x, w, g, dtype),
        backwardInput: (dy, w, g, dtype) => this.conv2dBackpropInputFast(dy, w, g, dtype),
        backwardFilter: (x, dy, g, dtype) => this.conv2dBackpropFilterFast(x, dy, g, dtype),
      };
    return fast;
  }

  info(): BackendInfo {
    const mem = tf.memory();
    return {
      name: this.name,
      tfjsBackend: this.device,
      tfjsVersion: tf.version_core,
      dtypes: this.dtypes,
      liveHandles: this.live,
      tfjsTensors: mem.numTensors,
      tfjsBytes: mem.numBytes,
      reclaimedByFinalizer: this.reclaimed,
      conv2dBackpropFilter: tf.getKernel(tf.Conv2DBackpropFilter, this.device)
        ? 'tfjs kernel'
        : 'transposed conv2d (no tfjs kernel on this device)',
    };
  }

  // ---- plumbing ------------------------------------------------------------------------

  /** The tf.Tensor of a handle (throws after dispose). */
  private t(h: TfHandle): T {
    const t = (h as TfHandle).tensor;
    if (t === null || t.isDisposed) throw new BackendError(this.name, 'a tensor was used after dispose()');
    return t;
  }

  /** The tf.Tensor of a handle reshaped to `shape` (a free view in tfjs). Call inside tidy. */
  private r(h: TfHandle, shape: readonly number[]): T {
    const t = this.t(h);
    return tf.reshape(t, shape as number[]);
  }

  private wrap(t: T): TfHandle {
    const h = new TfHandle(t);
    this.live++;
    this.registry.register(h, t, h);
    return h;
  }

  /**
   * Runs `fn` on this backend's tfjs device inside tf.tidy and wraps its result. The result
   * never aliases an input tf.Tensor object (some tf ops return their input for no-ops).
   */
  private run(fn: () => T): TfHandle {
    this.activate();
    return this.wrap(tf.tidy(fn));
  }

  /** Makes this backend's device tfjs's current one (synchronous once it is initialised). */
  private activate(): void {
    if (tf.getBackend() !== this.device) void tf.setBackend(this.device);
  }

  private check(dtype: DType): void {
    if (dtype !== 'float32' && dtype !== 'int32')
      throw new DTypeError(this.name, `dtype '${dtype}' is not supported (tfjs has no float64); supported: float32, int32`);
  }

  private zeros(shape: readonly number[], dtype: DType): TfHandle {
    return this.run(() => tf.zeros(shape as number[], td(dtype)));
  }

  // ---- storage -------------------------------------------------------------------------

  fromArray(data: ArrayLike<number>, dtype: DType): TfHandle {
    this.check(dtype);
    const arr = dtype === 'int32' ? Int32Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>);
    this.activate();
    return this.wrap(tf.tensor(arr, [arr.length], td(dtype)));
  }

  read(h: TfHandle, dtype: DType): TypedArray {
    const data = this.t(h).dataSync();
    return this.copyOut(data as TypedArray, dtype);
  }

  async readAsync(h: TfHandle, dtype: DType): Promise<TypedArray> {
    const data = await this.t(h).data();
    return this.copyOut(data as TypedArray, dtype);
  }

  /** A fresh array of `dtype` (tfjs-cpu's dataSync returns its own storage, so always copy). */
  private copyOut(data: ArrayLike<number>, dtype: DType): TypedArray {
    const out =
      dtype === 'int32' ? new Int32Array(data.length) : dtype === 'float64' ? new Float64Array(data.length) : new Float32Array(data.length);
    out.set(data);
    return out;
  }

  dispose(h: TfHandle): void {
    const handle = h as TfHandle;
    const t = handle.tensor;
    if (t === null) return;
    handle.tensor = null;
    this.registry.unregister(handle);
    if (!t.isDisposed) t.dispose();
    this.live--;
  }

  liveBuffers(): number {
    return this.live;
  }

  view(h: TfHandle): TfHandle {
    return this.run(() => tf.clone(this.t(h)));
  }

  /** Number of tf.Tensors alive in the tfjs engine (all backends): for leak tests. */
  tfjsTensorCount(): number {
    return tf.memory().numTensors;
  }

  // ---- elementwise ---------------------------------------------------------------------

  unary(op: UnaryOp, x: TfHandle, n: number, dtype: DType): TfHandle {
    this.check(dtype);
    if (n === 0) return this.zeros([0], dtype);
    return this.run(() => {
      const v = this.r(x, [n]);
      switch (op) {
        case 'neg':
          return tf.neg(v);
        case 'abs':
          return tf.abs(v);
        // tf.sign maps NaN and -0 to 0; lec keeps x where it is neither positive nor negative.
        case 'sign':
          return tf.where(tf.greater(v, 0), tf.onesLike(v), tf.where(tf.less(v, 0), tf.neg(tf.onesLike(v)), v));
        case 'exp':
          return tf.exp(v);
        case 'expm1':
          return tf.expm1(v);
        case 'log':
          return tf.log(v);
        // GPU shaders compute log(1 + x): below -1 that is the log of a negative number
        case 'log1p':
          return this.gpu
            ? tf.where(tf.less(v, -1), tf.scalar(Number.NaN), tf.where(tf.equal(v, -1), tf.scalar(Number.NEGATIVE_INFINITY), tf.log1p(v)))
            : tf.log1p(v);
        case 'sqrt':
          return tf.sqrt(v);
        case 'square':
          return tf.square(v);
        case 'reciprocal':
          return tf.reciprocal(v);
        case 'tanh':
          return tf.tanh(v);
        // σ as lec's reference computes it, exp of a non-positive argument only: x >= 0 gives
        // 1 / (1 + e^−x), x < 0 gives e^x / (1 + e^x); exact 0 and 1 where it saturates, NaN for
        // NaN (tfjs-wasm's own sigmoid is up to an ulp off, e.g. σ(−20)). GPUs keep tfjs's
        // kernel, which follows the reference there (measured in the page).
        case 'sigmoid': {
          if (this.gpu) return tf.sigmoid(v);
          const e = tf.exp(tf.neg(tf.abs(v)));
          const onePlus = tf.add(1, e);
          return tf.where(tf.greaterEqual(v, 0), tf.div(1, onePlus), tf.div(e, onePlus));
        }
        // tfjs-webgl's packed relu multiplies by (x >= 0), so relu(-Infinity) is NaN there
        case 'relu':
          return this.gpu ? tf.where(tf.logicalOr(tf.greater(v, 0), tf.isNaN(v)), v, tf.zerosLike(v)) : tf.relu(v);
        case 'step':
          return dtype === 'int32' ? tf.cast(tf.greater(v, 0), 'int32') : tf.step(v, 0);
        case 'floor':
          return tf.floor(v);
        case 'ceil':
          return tf.ceil(v);
        case 'round':
          return tf.round(v);
        case 'sin':
          return tf.sin(v);
        case 'cos':
          return tf.cos(v);
      }
    });
  }

  binary({ op, a: { handle: a, shape: aShape }, b: { handle: b, shape: bShape }, outShape, dtype }: BinaryArgs<TfHandle>): TfHandle {
    this.check(dtype);
    if (size(outShape) === 0) return this.zeros(outShape, COMPARE[op] ? 'int32' : dtype);
    return this.run(() => {
      const x = this.r(a, aShape);
      const y = this.r(b, bShape);
      const cmp = COMPARE[op];
      if (cmp) return tf.cast(cmp(x, y), 'int32');
      const eitherNaN = () => tf.logicalOr(tf.isNaN(x), tf.isNaN(y));
      switch (op) {
        case 'add':
          return tf.add(x, y);
        case 'sub':
          return tf.sub(x, y);
        case 'mul':
          return tf.mul(x, y);
        case 'div':
          // int32: floor division, and x / 0 = 0 (what the reference stores for ±Infinity)
          if (dtype === 'int32') return tf.where(tf.equal(y, 0), tf.zerosLike(tf.add(x, y)), tf.floorDiv(x, y));
          // tfjs-webgl's div shader returns 1 when a == b, so 0/0 and Inf/Inf give 1, not NaN
          if (this.device === 'webgl') {
            const nan = tf.logicalOr(tf.logicalAnd(tf.equal(x, 0), tf.equal(y, 0)), tf.logicalAnd(tf.isInf(x), tf.isInf(y)));
            return tf.where(tf.logicalOr(nan, tf.logicalOr(tf.isNaN(x), tf.isNaN(y))), tf.scalar(NaN), tf.div(x, y));
          }
          return tf.div(x, y);
        // JS semantics (the reference): x ** NaN and (±1) ** ±Infinity are NaN (C's pow gives 1)
        case 'pow':
          if (dtype === 'int32') return tf.pow(x, y);
          return tf.where(tf.logicalOr(tf.isNaN(y), tf.logicalAnd(tf.equal(tf.abs(x), 1), tf.isInf(y))), tf.scalar(NaN), tf.pow(x, y));
        // NaN propagates (numpy's maximum/minimum)
        case 'maximum':
          return dtype === 'int32' ? tf.maximum(x, y) : tf.where(eitherNaN(), tf.scalar(NaN), tf.maximum(x, y));
        case 'minimum':
          return dtype === 'int32' ? tf.minimum(x, y) : tf.where(eitherNaN(), tf.scalar(NaN), tf.minimum(x, y));
        default:
          throw new BackendError(this.name, `unknown binary op '${op}'`);
      }
    });
  }

  broadcastTo(x: TfHandle, shape: readonly number[], outShape: readonly number[], dtype: DType): TfHandle {
    this.check(dtype);
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => tf.broadcastTo(this.r(x, shape), outShape as number[]));
  }

  where({
    cond: { handle: cond, shape: condShape },
    a: { handle: a, shape: aShape },
    b: { handle: b, shape: bShape },
    outShape,
    dtype,
  }: WhereArgs<TfHandle>): TfHandle {
    this.check(dtype);
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const c = tf.broadcastTo(tf.notEqual(this.r(cond, condShape), 0), outShape as number[]);
      return tf.where(c, tf.broadcastTo(this.r(a, aShape), outShape as number[]), tf.broadcastTo(this.r(b, bShape), outShape as number[]));
    });
  }

  // ---- reductions ----------------------------------------------------------------------

  reduce(op: ReduceOp, x: TfHandle, shape: readonly number[], axes: readonly number[], dtype: DType): TfHandle {
    this.check(dtype);
    const outShape = shape.filter((_, i) => !axes.includes(i));
    const inner = size(axes.map((a) => shape[a]));
    if (axes.length === 0) return this.run(() => tf.clone(this.r(x, shape)));
    if (inner === 0) {
      if (op !== 'sum') throw new ValueError(op, 'cannot reduce an empty axis (no identity for max/min)');
      return this.zeros(outShape, dtype); // tfjs-wasm leaves empty sums uninitialised
    }
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const v = this.r(x, shape);
      const ax = [...axes];
      if (op === 'sum') return tf.reshape(tf.sum(v, ax), outShape);
      const r = op === 'max' ? tf.max(v, ax) : tf.min(v, ax);
      if (dtype === 'int32') return tf.reshape(r, outShape);
      // NaN propagates (tfjs's GPU reductions may drop it)
      return tf.reshape(tf.where(tf.any(tf.isNaN(v), ax), tf.scalar(NaN), r), outShape);
    });
  }

  argReduce(op: 'argmax' | 'argmin', x: TfHandle, shape: readonly number[], axis: number, dtype: DType): TfHandle {
    this.check(dtype);
    if (shape[axis] === 0) throw new ValueError(op, `cannot take ${op} over an empty axis`);
    const outShape = shape.filter((_, i) => i !== axis);
    if (size(outShape) === 0) return this.zeros(outShape, 'int32');
    return this.run(() => {
      const v = this.r(x, shape);
      const r = op === 'argmax' ? tf.argMax(v, axis) : tf.argMin(v, axis);
      if (dtype === 'int32') return tf.reshape(r, outShape);
      // the first NaN wins
      const nan = tf.isNaN(v);
      const firstNaN = tf.argMax(tf.cast(nan, 'float32'), axis);
      return tf.reshape(tf.where(tf.any(nan, axis), firstNaN, r), outShape);
    });
  }

  // ---- data movement -------------------------------------------------------------------

  transpose(x: TfHandle, shape: readonly number[], perm: readonly number[], dtype: DType): TfHandle {
    this.check(dtype);
    const outShape = perm.map((p) => shape[p]);
    if (size(shape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => tf.transpose(this.r(x, shape), [...perm]));
  }

  slice(x: TfHandle, shape: readonly number[], begin: readonly number[], sz: readonly number[], dtype: DType): TfHandle {
    this.check(dtype);
    if (size(sz) === 0) return this.zeros(sz, dtype);
    return this.run(() => tf.slice(this.r(x, shape), [...begin], [...sz]));
  }

  concat(xs: readonly TfHandle[], shapes: readonly (readonly number[])[], axis: number, dtype: DType): TfHandle {
    this.check(dtype);
    const outShape = [...shapes[0]];
    outShape[axis] = shapes.reduce((s, sh) => s + sh[axis], 0);
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const parts = xs.map((h, i) => this.r(h, shapes[i])).filter((t) => t.size > 0);
      return parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, axis);
    });
  }

  pad(x: TfHandle, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number, dtype: DType): TfHandle {
    this.check(dtype);
    const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    if (size(shape) === 0) return this.run(() => tf.fill(outShape, value, td(dtype)));
    return this.run(() =>
      tf.pad(
        this.r(x, shape),
        paddings.map((p) => [p[0], p[1]] as [number, number]),
        value,
      ),
    );
  }

  /** Throws the reference backends' ValueError when an index is out of [0, dim). */
  private checkIndices(op: string, indices: TfHandle, count: number, dim: number): void {
    if (!this.validateIndices || count === 0) return;
    const idx = this.t(indices);
    const [lo, hi] = tf.tidy(() => {
      const flat = tf.reshape(idx, [count]);
      return [tf.min(flat), tf.max(flat)];
    });
    const [mn, mx] = [lo.dataSync()[0], hi.dataSync()[0]];
    lo.dispose();
    hi.dispose();
    if (mn >= 0 && mx < dim) return;
    const all = idx.dataSync();
    for (let i = 0; i < count; i++) {
      if (!(all[i] >= 0 && all[i] < dim))
        throw new ValueError(op, `argument 'indices' expected values in [0, ${dim}), got ${all[i]} at position ${i}`);
    }
  }

  gather({ x, shape, indices, indexCount, axis, dtype }: GatherArgs<TfHandle>): TfHandle {
    this.check(dtype);
    this.checkIndices('gather', indices, indexCount, shape[axis]);
    const outShape = [...shape.slice(0, axis), indexCount, ...shape.slice(axis + 1)];
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => tf.gather(this.r(x, shape), this.r(indices, [indexCount]), axis));
  }

  scatterAdd({ outShape, indices, indexCount, updates, axis, dtype }: ScatterAddArgs<TfHandle>): TfHandle {
    this.check(dtype);
    this.checkIndices('scatterAdd', indices, indexCount, outShape[axis]);
    if (size(outShape) === 0 || indexCount === 0) return this.zeros(outShape, dtype);
    const outer = size(outShape.slice(0, axis));
    const inner = size(outShape.slice(axis + 1));
    const dim = outShape[axis];
    return this.run(() => {
      // [outer, count, inner] -> [count, outer, inner]; scatterND adds repeated indices.
      const u = tf.transpose(this.r(updates, [outer, indexCount, inner]), [1, 0, 2]);
      const s = tf.scatterND(this.r(indices, [indexCount, 1]), u, [dim, outer, inner]);
      return tf.reshape(tf.transpose(s, [1, 0, 2]), outShape as number[]);
    });
  }

  // ---- linear algebra ------------------------------------------------------------------

  matmul(a: TfHandle, b: TfHandle, dims: MatmulDims, dtype: DType): TfHandle {
    this.check(dtype);
    const { batch, aBatch, bBatch, m, n, k, transposeA, transposeB } = dims;
    if (batch * m * n === 0) return this.zeros([batch, m, n], dtype);
    if (k === 0) return this.zeros([batch, m, n], dtype);
    return this.run(() => {
      let A = this.r(a, transposeA ? [aBatch, k, m] : [aBatch, m, k]);
      let B = this.r(b, transposeB ? [bBatch, n, k] : [bBatch, k, n]);
      // tfjs-wasm has no int32 BatchMatMul: run int32 products in float32
      if (dtype === 'int32') {
        A = tf.cast(A, 'float32');
        B = tf.cast(B, 'float32');
      }
      const y = tf.matMul(A, B, transposeA, transposeB);
      const full = y.shape[0] === batch ? y : tf.broadcastTo(y, [batch, m, n]);
      return dtype === 'int32' ? tf.cast(full, 'int32') : full;
    });
  }

  cast(x: TfHandle, n: number, from: DType, to: DType): TfHandle {
    this.check(from);
    this.check(to);
    return this.run(() => {
      const v = this.r(x, [n]);
      return from === to ? tf.clone(v) : tf.cast(v, td(to));
    });
  }

  // ---- fast paths ----------------------------------------------------------------------

  private gemmFast(a: TfHandle, b: TfHandle, bias: TfHandle | null, dims: GemmDims, activation: FusedActivation, dtype: DType): TfHandle {
    if (dtype !== 'float32') throw new DTypeError('gemm', `expected float32, got ${dtype}`);
    const { m, n, k, transposeA, transposeB } = dims;
    if (m * n === 0) return this.zeros([m, n], dtype);
    return this.run(() => {
      const biasT = bias ? this.r(bias, [n]) : undefined;
      let y: T;
      if (k === 0) {
        y = biasT ? tf.broadcastTo(biasT, [m, n]) : tf.zeros([m, n]);
      } else {
        const A = this.r(a, transposeA ? [k, m] : [m, k]) as tf.Tensor2D;
        const B = this.r(b, transposeB ? [n, k] : [k, n]) as tf.Tensor2D;
        // tfjs-wasm 4.22's _FusedMatMul gets bias and activation wrong when an operand is
        // transposed: add the bias and apply the activation after the product there.
        if (this.device === 'wasm' && (transposeA || transposeB)) {
          y = tf.matMul(A, B, transposeA, transposeB);
          if (biasT) y = tf.add(y, biasT);
        } else {
          // relu and sigmoid run inside tfjs's fused kernel; tfjs has no fused tanh
          const fusedAct = activation === 'relu' || activation === 'sigmoid' ? activation : 'linear';
          y = tf.fused.matMul({ a: A, b: B, transposeA, transposeB, bias: biasT, activation: fusedAct });
          return activation === 'tanh' ? tf.tanh(y) : y;
        }
      }
      if (activation === 'relu') return tf.relu(y);
      if (activation === 'sigmoid') return tf.sigmoid(y);
      if (activation === 'tanh') return tf.tanh(y);
      return y;
    });
  }

  private conv2dFast(x: TfHandle, w: TfHandle, g: Conv2dGeometry, dtype: DType): TfHandle {
    const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    if (g.inChannels === 0 || g.inHeight + g.padTop + g.padBottom === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const X = this.r(x, [g.batch, g.inHeight, g.inWidth, g.inChannels]) as tf.Tensor4D;
      const { filter, dilations } = this.filterFor(
        this.r(w, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]) as tf.Tensor4D,
        g,
      );
      return tf.conv2d(X, filter, [g.strideHeight, g.strideWidth], explicitPads(g), 'NHWC', dilations);
    });
  }

  private conv2dBackpropInputFast(dy: TfHandle, w: TfHandle, g: Conv2dGeometry, dtype: DType): TfHandle {
    const inShape: [number, number, number, number] = [g.batch, g.inHeight, g.inWidth, g.inChannels];
    if (size(inShape) === 0) return this.zeros(inShape, dtype);
    if (g.outHeight * g.outWidth * g.outChannels === 0) return this.zeros(inShape, dtype);
    return this.run(() => {
      const DY = this.r(dy, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
      const W = this.r(w, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]) as tf.Tensor4D;
      // tfjs's Conv2DBackpropInput takes no dilations: give it the dilated filter
      const filter = g.dilationHeight > 1 || g.dilationWidth > 1 ? dilateFilter(W, g.dilationHeight, g.dilationWidth) : W;
      return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: DY, filter }, {
        strides: [g.strideHeight, g.strideWidth],
        pad: explicitPads(g),
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        inputShape: inShape,
      } as unknown as tf.NamedAttrMap) as T;
    });
  }

  private conv2dBackpropFilterFast(x: TfHandle, dy: TfHandle, g: Conv2dGeometry, dtype: DType): TfHandle {
    const wShape: [number, number, number, number] = [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
    if (size(wShape) === 0) return this.zeros(wShape, dtype);
    if (g.batch * g.outHeight * g.outWidth === 0) return this.zeros(wShape, dtype);
    return this.run(() => {
      const X = this.r(x, [g.batch, g.inHeight, g.inWidth, g.inChannels]) as tf.Tensor4D;
      const DY = this.r(dy, [g.batch, g.outHeight, g.outWidth, g.outChannels]) as tf.Tensor4D;
      const dh = g.dilationHeight;
      const dw = g.dilationWidth;
      const kh = (g.filterHeight - 1) * dh + 1;
      const kw = (g.filterWidth - 1) * dw + 1;
      let dW: T;
      if (tf.getKernel(tf.Conv2DBackpropFilter, this.device)) {
        // gradient of the dilated filter, then every dilation-th tap
        dW = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: X, dy: DY }, {
          strides: [g.strideHeight, g.strideWidth],
          pad: explicitPads(g),
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
          filterShape: [kh, kw, g.inChannels, g.outChannels],
        } as unknown as tf.NamedAttrMap) as T;
      } else {
        // tfjs-wasm has no Conv2DBackpropFilter kernel: dW is a conv2d of x (channels as batch)
        // with dy (batch as channels) as the filter, strides and dilations swapped.
        const xt = tf.transpose(X, [3, 1, 2, 0]); // [Cin, H, W, N]
        let f = tf.transpose(DY, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Cout]
        let rate: [number, number] = [g.strideHeight, g.strideWidth];
        // tfjs's conv2d refuses strides and dilations both above 1: dilate dy instead
        if ((dh > 1 || dw > 1) && (g.strideHeight > 1 || g.strideWidth > 1)) {
          f = dilateFilter(f, g.strideHeight, g.strideWidth);
          rate = [1, 1];
        }
        const pads: Pads4 = [
          [0, 0],
          [g.padTop, g.padBottom],
          [g.padLeft, g.padRight],
          [0, 0],
        ];
        const full = tf.conv2d(xt as tf.Tensor4D, f, [dh, dw], pads, 'NHWC', rate); // [Cin, >=kh', >=kw', Cout]
        const cut = tf.slice(full, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
        return tf.transpose(cut, [1, 2, 0, 3]);
      }
      if (dh === 1 && dw === 1) return dW;
      return tf.stridedSlice(dW, [0, 0, 0, 0], [kh, kw, g.inChannels, g.outChannels], [dh, dw, 1, 1]);
    });
  }

  /** tfjs's conv2d refuses strides and dilations both above 1: dilate the filter instead. */
  private filterFor(w: tf.Tensor4D, g: Conv2dGeometry): { filter: tf.Tensor4D; dilations: [number, number] } {
    const dil = g.dilationHeight > 1 || g.dilationWidth > 1;
    const str = g.strideHeight > 1 || g.strideWidth > 1;
    if (dil && str) return { filter: dilateFilter(w, g.dilationHeight, g.dilationWidth), dilations: [1, 1] };
    return { filter: w, dilations: [g.dilationHeight, g.dilationWidth] };
  }

  private maxPool2dFast(x: TfHandle, g: Pool2dGeometry, dtype: DType): TfHandle {
    const outShape = [g.batch, g.outHeight, g.outWidth, g.channels];
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const xp = padded(this.r(x, [g.batch, g.inHeight, g.inWidth, g.channels]), g, -Infinity);
      const y = tf.maxPool(xp, [g.windowHeight, g.windowWidth], [g.strideHeight, g.strideWidth], 'valid');
      // a NaN in a window wins (tfjs's pooling skips it)
      const nan = tf.maxPool(
        tf.cast(tf.isNaN(xp), 'float32') as tf.Tensor4D,
        [g.windowHeight, g.windowWidth],
        [g.strideHeight, g.strideWidth],
        'valid',
      );
      return tf.where(tf.greater(nan, 0), tf.scalar(NaN) as T, y as T);
    });
  }

  /**
   * lec routes a max-pool gradient to the first NaN, else the first maximum, of each window;
   * no tfjs device's MaxPoolGrad does, so every device runs the loop over taps (pool-taps.ts).
   */
  private maxPool2dBackwardFast(dy: TfHandle, x: TfHandle, g: Pool2dGeometry, dtype: DType): TfHandle {
    const inShape = [g.batch, g.inHeight, g.inWidth, g.channels];
    if (size(inShape) === 0 || g.outHeight * g.outWidth === 0) return this.zeros(inShape, dtype);
    // tfjs's MaxPoolGrad kernels do not follow lec's rule (tfjs-cpu skips NaN, tfjs-webgl routes
    // ties to the last maximum, tfjs-wasm drops gradients): every device runs the taps loop
    return this.run(() => {
      const xp = padded(this.r(x, inShape), g, -Infinity);
      const DY = this.r(dy, [g.batch, g.outHeight, g.outWidth, g.channels]) as tf.Tensor4D;
      const dxp = maxPoolBackwardByTaps(xp, DY, g);
      return tf.slice(dxp, [0, g.padTop, g.padLeft, 0], inShape);
    });
  }

  private avgPool2dFast(x: TfHandle, g: Pool2dGeometry, dtype: DType): TfHandle {
    const outShape = [g.batch, g.outHeight, g.outWidth, g.channels];
    if (size(outShape) === 0) return this.zeros(outShape, dtype);
    return this.run(() => {
      const xp = padded(this.r(x, [g.batch, g.inHeight, g.inWidth, g.channels]), g, 0);
      // tfjs-wasm 4.22's AvgPool gives -Infinity for a window holding +Infinity and -Infinity
      if (this.device === 'wasm') return avgPoolByTaps(xp, g);
      const y = tf.avgPool(xp, [g.windowHeight, g.windowWidth], [g.strideHeight, g.strideWidth], 'valid');
      const scale = countScale(g);
      return scale ? tf.mul(y, scale) : y;
    });
  }

  private avgPool2dBackwardFast(dy: TfHandle, g: Pool2dGeometry, dtype: DType): TfHandle {
    const inShape = [g.batch, g.inHeight, g.inWidth, g.channels];
    if (size(inShape) === 0 || g.outHeight * g.outWidth === 0) return this.zeros(inShape, dtype);
    const pShape = [g.batch, g.inHeight + g.padTop + g.padBottom, g.inWidth + g.padLeft + g.padRight, g.channels];
    return this.run(() => {
      let DY = this.r(dy, [g.batch, g.outHeight, g.outWidth, g.channels]);
      if (!tf.getKernel(tf.AvgPoolGrad, this.device)) {
        const dxp = avgPoolBackwardByTaps(DY as tf.Tensor4D, g, pShape[1], pShape[2]);
        return tf.slice(dxp, [0, g.padTop, g.padLeft, 0], inShape);
      }
      const scale = countScale(g);
      if (scale) DY = tf.mul(DY, scale);
      const input = tf.zeros(pShape);
      const dxp = tf.engine().runKernel(tf.AvgPoolGrad, { dy: DY, input }, {
        filterSize: [g.windowHeight, g.windowWidth],
        strides: [g.strideHeight, g.strideWidth],
        pad: 'valid',
      } as unknown as tf.NamedAttrMap) as T;
      return tf.slice(dxp, [0, g.padTop, g.padLeft, 0], inShape);
    });
  }

  private spmmFast({ rowPtr, colIdx, values, rows, cols, dense, n, dtype }: SpmmArgs<TfHandle>): TfHandle {
    this.check(dtype);
    const nnz = this.t(colIdx).size;
    if (rows * n === 0 || nnz === 0) return this.zeros([rows, n], dtype);
    return this.run(() => {
      const ptr = this.r(rowPtr, [rows + 1]);
      const rowIds = tf.sub(tf.searchSorted(ptr, tf.range(0, nnz, 1, 'int32'), 'right'), tf.scalar(1, 'int32'));
      const picked = tf.mul(tf.gather(this.r(dense, [cols, n]), this.r(colIdx, [nnz])), tf.reshape(this.r(values, [nnz]), [nnz, 1]));
      return tf.scatterND(tf.reshape(rowIds, [nnz, 1]), picked, [rows, n]);
    });
  }

  /**
   * The LSTM step in tfjs ops, with σ as lec computes it. σ(z_f)·cPrev follows the float64
   * reference where float32 cannot: σ(−200) underflows to 0 in float32, but in float64 it is
   * 1.4e-87 and times ±∞ gives ±∞; so an infinite cPrev passes through as long as float64's
   * σ(z_f) is above 0 (z_f > −745.13), and gives NaN (0·∞) below. Saved: i, f, C̃, o, tanh(c).
   */
  private lstmCellForward(z: TfHandle, cPrev: TfHandle, batch: number, hidden: number, dtype: DType) {
    this.check(dtype);
    this.activate();
    const [h, c, saved] = tf.tidy(() => {
      const [zi, zf, zc, zo] = tf.split(this.r(z, [batch, 4 * hidden]), 4, 1);
      const cp = this.r(cPrev, [batch, hidden]);
      const sig = (v: T) => {
        const e = tf.exp(tf.neg(tf.abs(v)));
        const onePlus = tf.add(1, e);
        return tf.where(tf.greaterEqual(v, 0), tf.div(1, onePlus), tf.div(e, onePlus));
      };
      const [i, f, g, o] = [sig(zi), sig(zf), tf.tanh(zc), sig(zo)];
      const float64Positive = tf.greater(zf, F64_SIGMOID_ZERO);
      const fc = tf.where(tf.logicalAnd(tf.isInf(cp), float64Positive), cp, tf.mul(f, cp));
      const c = tf.add(fc, tf.mul(i, g));
      const tc = tf.tanh(c);
      return [tf.mul(o, tc), c, tf.concat([i, f, g, o, tc], 1)];
    });
    return { h: this.wrap(h), c: this.wrap(c), saved: this.wrap(saved), savedSize: batch * 5 * hidden };
  }

  /** dz [batch, 4H] and dcPrev from the saved activations (the composite's chain rule). */
  private lstmCellBackward(
    saved: TfHandle,
    cPrev: TfHandle,
    dh: TfHandle | null,
    dc: TfHandle | null,
    batch: number,
    hidden: number,
    dtype: DType,
  ) {
    this.check(dtype);
    this.activate();
    const [dz, dcPrev] = tf.tidy(() => {
      const [i, f, g, o, tc] = tf.split(this.r(saved, [batch, 5 * hidden]), 5, 1);
      const cp = this.r(cPrev, [batch, hidden]);
      const zero = tf.zeros([batch, hidden]);
      const dH = dh ? this.r(dh, [batch, hidden]) : zero;
      const dC = tf.add(dc ? this.r(dc, [batch, hidden]) : zero, tf.mul(tf.mul(dH, o), tf.sub(1, tf.square(tc))));
      const dzi = tf.mul(tf.mul(dC, g), tf.mul(i, tf.sub(1, i)));
      const dzf = tf.mul(tf.mul(dC, cp), tf.mul(f, tf.sub(1, f)));
      const dzc = tf.mul(tf.mul(dC, i), tf.sub(1, tf.square(g)));
      const dzo = tf.mul(tf.mul(dH, tc), tf.mul(o, tf.sub(1, o)));
      return [tf.concat([dzi, dzf, dzc, dzo], 1), tf.mul(dC, f)];
    });
    return { dz: this.wrap(dz), dcPrev: this.wrap(dcPrev) };
  }

  private softmaxCrossEntropyFast(
    logits: TfHandle,
    labels: TfHandle,
    n: number,
    c: number,
    dtype: DType,
  ): { loss: TfHandle; dlogits: TfHandle } {
    this.check(dtype);
    this.activate();
    const [loss, dlogits] = tf.tidy(() => {
      const z = this.r(logits, [n, c]);
      const ls = tf.logSoftmax(z);
      // (tfjs-wasm 4.22's OneHot writes int bits into float32 output: make int32, then cast)
      const oh = tf.cast(tf.oneHot(this.r(labels, [n]), c, 1, 0, 'int32'), 'float32');
      const loss = tf.div(tf.neg(tf.sum(tf.mul(oh, ls))), n);
      const dlogits = tf.div(tf.sub(tf.exp(ls), oh), n);
      return [loss, dlogits];
    });
    return { loss: this.wrap(loss), dlogits: this.wrap(dlogits) };
  }
}

/** Below this z, float64's σ(z) = e^z / (1 + e^z) is exactly 0 (e^z underflows past 2^−1075). */
const F64_SIGMOID_ZERO = -745.1332191019412;

/** The explicit [[0,0],[top,bottom],[left,right],[0,0]] padding of a conv geometry. */
function explicitPads(g: Conv2dGeometry): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [g.padTop, g.padBottom],
    [g.padLeft, g.padRight],
    [0, 0],
  ];
}

/**
 * A filter [kh, kw, cin, cout] with (d - 1) zeros between taps: conv with it = dilated conv.
 * Built with rank-3 pads (tfjs-webgl's packed pad shader does not compile for rank 6).
 */
function dilateFilter(w: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  const KH = (kh - 1) * dh + 1;
  const KW = (kw - 1) * dw + 1;
  let f: T = w;
  if (dh > 1) {
    const rows = tf.pad(tf.reshape(f, [kh, 1, kw * ci * co]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
    ]);
    f = tf.slice(tf.reshape(rows, [kh * dh, kw, ci, co]), [0, 0, 0, 0], [KH, kw, ci, co]);
  }
  if (dw > 1) {
    const cols = tf.pad(tf.reshape(f, [KH * kw, 1, ci * co]), [
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ]);
    f = tf.slice(tf.reshape(cols, [KH, kw * dw, ci, co]), [0, 0, 0, 0], [KH, KW, ci, co]);
  }
  return f as tf.Tensor4D;
}

/** x padded by the pooling geometry's explicit padding with `value`. */
function padded(x: T, g: Pool2dGeometry, value: number): tf.Tensor4D {
  if (g.padTop + g.padBottom + g.padLeft + g.padRight === 0) return x as tf.Tensor4D;
  return tf.pad(
    x as tf.Tensor4D,
    [
      [0, 0],
      [g.padTop, g.padBottom],
      [g.padLeft, g.padRight],
      [0, 0],
    ],
    value,
  );
}

/**
 * taps / count per output window as [1, Ho, Wo, 1] (count excludes padding), or null when
 * there is no padding: turns tfjs's valid average over a zero-padded input into lec's
 * padding-excluded average.
 */
function countScale(g: Pool2dGeometry): T | null {
  if (g.padTop + g.padBottom + g.padLeft + g.padRight === 0) return null;
  const taps = g.windowHeight * g.windowWidth;
  const s = new Float32Array(g.outHeight * g.outWidth);
  for (let oh = 0; oh < g.outHeight; oh++) {
    const top = oh * g.strideHeight - g.padTop;
    const rows = Math.max(Math.min(top + g.windowHeight, g.inHeight) - Math.max(top, 0), 0);
    for (let ow = 0; ow < g.outWidth; ow++) {
      const left = ow * g.strideWidth - g.padLeft;
      const cols = Math.max(Math.min(left + g.windowWidth, g.inWidth) - Math.max(left, 0), 0);
      s[oh * g.outWidth + ow] = taps / (rows * cols);
    }
  }
  return tf.tensor(s, [1, g.outHeight, g.outWidth, 1]);
}
