/**
 * Helpers every op file uses: turning arguments into tensors, argument checks with messages
 * that name the op and the argument, and wrapping backend results.
 */
import type { BackendV1, BinaryOp, Handle, UnaryOp } from '../backend/v1.js';
import { makeTensor } from '../creation.js';
import { type DType, type TypedArray, isFloat } from '../dtype.js';
import { getBackend, isRecording, record, tidy, withoutTapes } from '../engine.js';
import { BackendError, DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
export { checkAllocation } from '../shape.js';
import { type NestedArray, Tensor, isTensor } from '../tensor.js';

/** Anything an op accepts where a tensor is expected: numbers take the other operand's dtype. */
export type TensorLike = Tensor | number | NestedArray | TypedArray;

/**
 * @internal Converts `x` to a tensor. Numbers and arrays are created with `like`'s dtype and
 * backend (or float32 on the current backend).
 */
export function asTensor(op: string, arg: string, x: TensorLike, like?: Tensor): Tensor {
  if (isTensor(x)) {
    if (x.isDisposed) throw new BackendError(op, `argument '${arg}' is a disposed tensor`);
    return x;
  }
  const backend = like?.backend ?? getBackend();
  const dtype: DType = like?.dtype ?? 'float32';
  if (typeof x === 'number') return makeTensor([x], [], dtype, backend);
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    // nested arrays: reuse the creation code path through makeTensor
    const flat: number[] = [];
    const shape: number[] = [];
    let v: unknown = x;
    while (Array.isArray(v) || ArrayBuffer.isView(v)) {
      shape.push((v as ArrayLike<number>).length);
      v = (v as ArrayLike<unknown>)[0];
    }
    const walk = (a: unknown): void => {
      if (Array.isArray(a) || ArrayBuffer.isView(a)) for (const e of Array.from(a as ArrayLike<unknown>)) walk(e);
      else flat.push(a as number);
    };
    walk(x);
    if (flat.length !== shape.reduce((p, d) => p * d, 1)) throw new ShapeError(op, `argument '${arg}' is a ragged array`);
    return makeTensor(flat, shape, dtype, backend);
  }
  throw new DTypeError(op, `argument '${arg}' expected a Tensor, number or array, got ${x === null ? 'null' : typeof x}`);
}

/** @internal Wraps a backend handle as a new tensor. */
export function wrap(handle: Handle, shape: readonly number[], dtype: DType, backend: BackendV1): Tensor {
  return new Tensor(handle, shape, dtype, backend);
}

/** @internal All tensors must live on one backend. */
export function checkSameBackend(op: string, tensors: Record<string, Tensor>): BackendV1 {
  let first: [string, Tensor] | undefined;
  for (const entry of Object.entries(tensors)) {
    if (!first) first = entry;
    else if (entry[1].backend !== first[1].backend) {
      throw new BackendError(
        op,
        `arguments '${first[0]}' (on backend '${first[1].backend.name}') and '${entry[0]}' (on backend '${entry[1].backend.name}') live on different backends; move one with toBackend()`,
      );
    }
  }
  return first![1].backend;
}

/** @internal Two tensors must have the same dtype. */
export function checkSameDtype(op: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      op,
      `arguments '${aName}' (${a.dtype}) and '${bName}' (${b.dtype}) must have the same dtype; cast one with cast()`,
    );
  }
}

/** @internal The tensor must be float32 or float64. */
export function checkFloat(op: string, arg: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(op, `argument '${arg}' expected a float32 or float64 tensor, got ${t.dtype}`);
}

/** @internal The tensor must be int32. */
export function checkInt(op: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new DTypeError(op, `argument '${arg}' expected an int32 tensor, got ${t.dtype}`);
}

/** @internal max, min, argmax and argmin have no value over an empty axis (checked before the backend runs). */
export function checkNonEmptyAxes(op: string, t: Tensor, axes: readonly number[]): void {
  const empty = axes.find((a) => t.shape[a] === 0);
  if (empty !== undefined)
    throw new ValueError(op, `argument 'x' of shape ${fmtShape(t.shape)} is empty along axis ${empty}; ${op} of no values is undefined`);
}

/** @internal The tensor must have this rank. */
export function checkRank(op: string, arg: string, t: Tensor, rank: number, layout = ''): void {
  if (t.rank !== rank) {
    throw new ShapeError(op, `argument '${arg}' expected rank ${rank}${layout ? ` (${layout})` : ''}, got shape ${fmtShape(t.shape)}`);
  }
}

/**
 * @internal An op whose forward is computed without recording (a fast path or a composite)
 * and whose gradient is the given vjp. Intermediates of the forward are freed at once.
 */
export function customOp(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  vjp: (dy: Tensor, out: Tensor) => readonly (Tensor | null)[],
  saved: readonly Tensor[] = [],
): Tensor {
  const out = tidy(() => withoutTapes(forward));
  record(name, inputs, out, (dy) => vjp(dy, out), saved);
  return out;
}

/** @internal Runs a unary primitive on a float tensor. */
export function unaryPrimitive(op: UnaryOp, t: Tensor): Tensor {
  checkFloat(op, 'x', t);
  return wrap(t.backend.unary(op, t.handle, t.size, t.dtype), t.shape, t.dtype, t.backend);
}

/**
 * @internal The gradient of an activation from dy and `saved` (relu: its input; sigmoid and
 * tanh: their output): the backend's `activationBackward` fast path in one pass, or
 * `composite()` (the ops it stands for) when there is none, when dy does not match `saved`,
 * or while a tape records (a gradient of this gradient needs the composite's ops on it).
 */
export function activationGrad(activation: 'relu' | 'sigmoid' | 'tanh', dy: Tensor, saved: Tensor, composite: () => Tensor): Tensor {
  const fast = saved.backend.fastPaths.activationBackward;
  if (
    fast === undefined ||
    isRecording() ||
    dy.backend !== saved.backend ||
    dy.dtype !== saved.dtype ||
    !isFloat(saved.dtype) ||
    !shapesEqual(dy.shape, saved.shape)
  )
    return composite();
  return wrap(fast(activation, dy.handle, saved.handle, saved.size, saved.dtype), saved.shape, saved.dtype, saved.backend);
}

/** @internal Converts two operands, numbers taking the other's dtype and backend. */
export function asPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (isTensor(a)) return [asTensor(op, 'a', a), asTensor(op, 'b', b, a)];
  const tb = asTensor(op, 'b', b);
  return [asTensor(op, 'a', a, tb), tb];
}

/** @internal Runs a broadcasting binary primitive. Comparisons return int32. */
export function binaryPrimitive(name: string, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const backend = checkSameBackend(name, { a, b });
  checkSameDtype(name, 'a', a, 'b', b);
  const outShape = broadcastShapes(name, a.shape, b.shape);
  const isCompare = op === 'equal' || op === 'notEqual' || op === 'less' || op === 'lessEqual' || op === 'greater' || op === 'greaterEqual';
  return wrap(
    backend.binary({ op, a: { handle: a.handle, shape: a.shape }, b: { handle: b.handle, shape: b.shape }, outShape, dtype: a.dtype }),
    outShape,
    isCompare ? 'int32' : a.dtype,
    backend,
  );
}

/**
 * @internal Checks that every entry of the int32 tensor `t` is a valid index in [0, bound):
 * class labels, one-hot indices. Reads the values (one download on a device backend).
 */
export function checkIndices(op: string, arg: string, t: Tensor, bound: number, what = 'indices'): void {
  if (t.size === 0) return;
  const v = t.backend.read(t.handle, t.dtype);
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] < bound))
      throw new ValueError(op, `argument '${arg}' expected ${what} in [0, ${bound}), got ${v[i]} at flat index ${i}`);
  }
}
