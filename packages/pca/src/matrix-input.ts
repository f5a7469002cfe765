/**
 * What the package accepts as a data matrix and how results come back.
 *
 * In: a rank-2 `Tensor` [rows, cols] (any float dtype, any backend), nested arrays
 * `number[][]`, or a flat row-major array with its shape `{ data, shape: [rows, cols] }`
 * (Float32Array, Float64Array or number[]). Rows are samples, columns are features.
 *
 * Out: matrices as `Tensor`s. A Tensor input gives a Tensor of the same dtype on the same
 * backend; array inputs give float32 tensors on the current backend (`getBackend()`), or
 * the `dtype` the model was made with. Call `.toArray()` / `.dataSync()` for plain arrays.
 * Vectors of numbers (explained variance, singular values, angles) are plain `number[]`.
 */
import { type BackendV1, type DType, ShapeError, type Tensor, ValueError, getBackend, isTensor, tensor } from '@lec/tensor';
import type { Mat } from '@lec/linalg';

/** A data matrix: rows are samples, columns features. See the module notes for the forms. */
export type MatrixInput =
  | Tensor
  | readonly (readonly number[])[]
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] | readonly number[] };

/** Where and how results are created: dtype and backend. */
export interface OutputPlacement {
  dtype: DType;
  backend: BackendV1;
}

/**
 * @internal Reads any MatrixInput into a fresh float64 row-major matrix (always a copy, so
 * callers may modify it). `what` names the argument in error messages.
 */
export function readMatrix(op: string, what: string, x: MatrixInput): Mat {
  if (isTensor(x)) {
    if (x.rank !== 2)
      throw new ShapeError(op, `argument '${what}' expected a rank-2 tensor [samples, features], got shape [${x.shape.join(', ')}]`);
    if (x.dtype === 'int32') throw new ValueError(op, `argument '${what}' expected a float tensor, got int32`);
    const src = x.dataSync();
    return { rows: x.shape[0], cols: x.shape[1], data: Float64Array.from(src) };
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows > 0 ? (x[0] as readonly number[]).length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = x[i] as readonly number[];
      if (!row || typeof row.length !== 'number' || row.length !== cols) {
        throw new ShapeError(op, `argument '${what}' is ragged: row 0 has ${cols} entries, row ${i} has ${row?.length}`);
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
    }
    return { rows, cols, data };
  }
  const flat = x as { data: ArrayLike<number>; shape: readonly number[] };
  if (!flat || typeof flat !== 'object' || !flat.data || !flat.shape) {
    throw new ValueError(op, `argument '${what}' expected a Tensor, number[][] or { data, shape }, got ${typeof x}`);
  }
  if (flat.shape.length !== 2 || !flat.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new ShapeError(op, `argument '${what}' expected shape [rows, cols] of non-negative integers, got [${flat.shape.join(', ')}]`);
  }
  const [rows, cols] = flat.shape;
  if (flat.data.length !== rows * cols) {
    throw new ShapeError(
      op,
      `argument '${what}' has shape [${rows}, ${cols}] (${rows * cols} elements) but its data has ${flat.data.length}`,
    );
  }
  return { rows, cols, data: Float64Array.from(flat.data) };
}

/** @internal Where results for input `x` go: a Tensor's dtype and backend, else the defaults. */
export function placementOf(x: MatrixInput, dtype: DType | undefined): OutputPlacement {
  if (isTensor(x)) return { dtype: x.dtype, backend: x.backend };
  return { dtype: dtype ?? 'float32', backend: getBackend() };
}

/** @internal A float64 matrix as a Tensor placed as asked. */
export function toTensor(m: Mat, place: OutputPlacement): Tensor {
  const data = place.dtype === 'float64' ? m.data : Float32Array.from(m.data);
  return tensor(data, [m.rows, m.cols], { dtype: place.dtype, backend: place.backend });
}
