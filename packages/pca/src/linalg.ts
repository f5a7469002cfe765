/**
 * Dense float64 linear algebra on row-major matrices, the numeric core of the package. PCA
 * works in double precision on the CPU whatever the tensor backend is: eigenvalues of a
 * 784-dimensional covariance must agree with a float64 reference to 1e-6, which float32
 * accumulation over 10,000 rows does not give. Decompositions (symmetric eigen, SVD, QR) come
 * from ml-matrix; the O(n·d²) and O(n·d·k) products are the loops below.
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

/** A row-major float64 matrix: element (i, j) is `data[i * cols + j]`. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** @internal A rows×cols matrix of zeros. */
export function zerosMat(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** @internal Column means of `x`: a length-cols vector. */
export function columnMeans(x: Mat): Float64Array {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) mean[j] += data[off + j];
  }
  if (rows > 0) for (let j = 0; j < cols; j++) mean[j] /= rows;
  return mean;
}

/** @internal Per-column sums of squared deviations from `mean` (M2 in Chan et al.'s notation). */
export function columnSquaredDeviations(x: Mat, mean: Float64Array): Float64Array {
  const { rows, cols, data } = x;
  const m2 = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[off + j] - mean[j];
      m2[j] += v * v;
    }
  }
  return m2;
}

/** @internal Subtracts `mean` from every row of `x`, in place. */
export function subtractRow(x: Mat, mean: Float64Array): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) data[off + j] -= mean[j];
  }
}

/** @internal Adds `v` to every row of `x`, in place. */
export function addRow(x: Mat, v: Float64Array): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) data[off + j] += v[j];
  }
}

const GRAM_BLOCK = 64;

/**
 * @internal The Gram matrix xᵀx (cols×cols, symmetric), O(rows·cols²/2). Rows are taken in
 * blocks of 64 and transposed so every entry is a contiguous dot product over the block;
 * entries are computed 2×2 at a time (four accumulators share each load).
 */
export function gram(x: Mat): Mat {
  const { rows, cols: d, data } = x;
  const g = new Float64Array(d * d);
  const t = new Float64Array(d * GRAM_BLOCK);
  for (let r0 = 0; r0 < rows; r0 += GRAM_BLOCK) {
    const r = Math.min(GRAM_BLOCK, rows - r0);
    // t[a * r + i] = x[r0 + i, a]
    for (let i = 0; i < r; i++) {
      const off = (r0 + i) * d;
      for (let a = 0; a < d; a++) t[a * r + i] = data[off + a];
    }
    let a = 0;
    for (; a + 1 < d; a += 2) {
      const a0 = a * r;
      const a1 = a0 + r;
      let b = a;
      for (; b + 1 < d; b += 2) {
        const b0 = b * r;
        const b1 = b0 + r;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let i = 0; i < r; i++) {
          const x0 = t[a0 + i];
          const x1 = t[a1 + i];
          const y0 = t[b0 + i];
          const y1 = t[b1 + i];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        g[a * d + b] += s00;
        g[a * d + b + 1] += s01;
        g[(a + 1) * d + b] += s10;
        g[(a + 1) * d + b + 1] += s11;
      }
      if (b < d) {
        let s0 = 0;
        let s1 = 0;
        const b0 = b * r;
        for (let i = 0; i < r; i++) {
          s0 += t[a0 + i] * t[b0 + i];
          s1 += t[a1 + i] * t[b0 + i];
        }
        g[a * d + b] += s0;
        g[(a + 1) * d + b] += s1;
      }
    }
    if (a < d) {
      const a0 = a * r;
      let s = 0;
      for (let i = 0; i < r; i++) s += t[a0 + i] * t[a0 + i];
      g[a * d + a] += s;
    }
  }
  // mirror the upper triangle (entry (a+1, a) of each 2×2 diagonal block is already right)
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) g[b * d + a] = g[a * d + b];
  return { rows: d, cols: d, data: g };
}

/**
 * @internal op(a)·op(b) in float64. Loop orders keep the innermost loop contiguous:
 * NN and TN accumulate scaled rows of b; NT is a dot product per entry.
 */
export function gemm(a: Mat, b: Mat, transposeA = false, transposeB = false): Mat {
  if (transposeB && transposeA) return gemm(a, transpose(b), true, false);
  const m = transposeA ? a.cols : a.rows;
  const k = transposeA ? a.rows : a.cols;
  const n = transposeB ? b.rows : b.cols;
  const A = a.data;
  const B = b.data;
  const out = new Float64Array(m * n);
  if (transposeB) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0;
        let s1 = 0;
        let p = 0;
        for (; p + 1 < k; p += 2) {
          s0 += A[ai + p] * B[bj + p];
          s1 += A[ai + p + 1] * B[bj + p + 1];
        }
        if (p < k) s0 += A[ai + p] * B[bj + p];
        out[i * n + j] = s0 + s1;
      }
    }
  } else if (transposeA) {
    // a is [k, m]: out[i, :] += a[p, i] · b[p, :]
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const v = A[ap + i];
        if (v === 0) continue;
        const oi = i * n;
        for (let j = 0; j < n; j++) out[oi + j] += v * B[bp + j];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const oi = i * n;
      for (let p = 0; p < k; p++) {
        const v = A[ai + p];
        if (v === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) out[oi + j] += v * B[bp + j];
      }
    }
  }
  return { rows: m, cols: n, data: out };
}

/** @internal The transpose of `x`, as a new matrix. */
export function transpose(x: Mat): Mat {
  const { rows, cols, data } = x;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return { rows: cols, cols: rows, data: out };
}

/**
 * @internal The rows of an ml-matrix Matrix without copying: ml-matrix 6 (pinned) keeps each
 * row in a Float64Array `data[i]`; that field is not in its typings, so fall back to
 * `to2DArray()` if a later version drops it.
 */
function rowsOf(m: Matrix): ArrayLike<number>[] {
  const data = (m as unknown as { data?: ArrayLike<number>[] }).data;
  return Array.isArray(data) && data.length === m.rows ? data : m.to2DArray();
}

/** @internal Converts to an ml-matrix Matrix (copies). */
export function toMlMatrix(x: Mat): Matrix {
  const m = new Matrix(x.rows, x.cols);
  const rows = rowsOf(m);
  for (let i = 0; i < x.rows; i++) {
    const row = rows[i];
    if (row instanceof Float64Array) row.set(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    else for (let j = 0; j < x.cols; j++) m.set(i, j, x.data[i * x.cols + j]);
  }
  return m;
}

/** @internal Converts an ml-matrix Matrix back (copies). */
export function fromMlMatrix(m: Matrix): Mat {
  const out = zerosMat(m.rows, m.columns);
  const rows = rowsOf(m);
  for (let i = 0; i < m.rows; i++) {
    const row = rows[i];
    for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = row[j];
  }
  return out;
}

/**
 * @internal Eigen-decomposition of a symmetric matrix: eigenvalues in descending order and
 * the eigenvectors as the rows of a [d, d] matrix (row i goes with eigenvalue i).
 */
export function symmetricEigen(s: Mat): { values: Float64Array; vectors: Mat } {
  const evd = new EigenvalueDecomposition(toMlMatrix(s), { assumeSymmetric: true });
  const ascending = evd.realEigenvalues;
  const v = rowsOf(evd.eigenvectorMatrix); // columns are eigenvectors, ascending order
  const d = s.rows;
  const values = new Float64Array(d);
  const vectors = zerosMat(d, d);
  for (let i = 0; i < d; i++) {
    const src = d - 1 - i;
    values[i] = ascending[src];
    for (let j = 0; j < d; j++) vectors.data[i * d + j] = v[j][src];
  }
  return { values, vectors };
}

/**
 * @internal Thin SVD x = U·diag(s)·Vᵀ, singular values descending. Returns Vᵀ's rows (the
 * right singular vectors, [r, cols] with r = min(rows, cols)) and, when asked, U [rows, r].
 */
export function thinSvd(x: Mat, wantU = false): { s: Float64Array; vt: Mat; u: Mat | null } {
  const svd = new SingularValueDecomposition(toMlMatrix(x), {
    computeLeftSingularVectors: wantU,
    computeRightSingularVectors: true,
    autoTranspose: true,
  });
  const r = Math.min(x.rows, x.cols);
  const diag = svd.diagonal;
  const s = new Float64Array(r);
  for (let i = 0; i < r; i++) s[i] = diag[i];
  const v = rowsOf(svd.rightSingularVectors); // [cols, >= r]
  const vt = zerosMat(r, x.cols);
  for (let i = 0; i < r; i++) for (let j = 0; j < x.cols; j++) vt.data[i * x.cols + j] = v[j][i];
  let u: Mat | null = null;
  if (wantU) {
    const lu = rowsOf(svd.leftSingularVectors);
    u = zerosMat(x.rows, r);
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < r; j++) u.data[i * r + j] = lu[i][j];
  }
  return { s, vt, u };
}

/**
 * @internal The top `k` singular values and right singular vectors (rows of vt, [k, cols])
 * of a wide x [rows, cols] (rows ≤ cols), fast: eigenvectors U of the small Gram x·xᵀ give
 * the directions xᵀ·U_k, which are orthonormalised (QR) into Q; a Rayleigh–Ritz step, the
 * SVD of x·Q [rows, k] = W·diag(s)·Zᵀ, then gives vt = Zᵀ·Qᵀ and s accurate to ε·‖x‖
 * (squaring in the Gram matrix would lose the small ones). O(rows²·cols + rows³).
 */
export function topRightSingular(x: Mat, k: number): { s: Float64Array; vt: Mat } {
  if (x.rows > x.cols) {
    const { s, vt } = thinSvd(x);
    return { s: s.slice(0, k), vt: topRows(vt, k) };
  }
  const kk = Math.min(k, x.rows);
  const { vectors } = symmetricEigen(gram(transpose(x)));
  const y = gemm(topRows(vectors, kk), x); // [k, cols]
  const q = orthonormalColumns(transpose(y)); // [cols, k]
  const { s, vt: z } = thinSvd(gemm(x, q)); // x·q [rows, k]
  return { s, vt: gemm(z, q, false, true) };
}

/** @internal An orthonormal basis of the column space of a tall x ([rows, cols], rows >= cols): Q of a thin QR. */
export function orthonormalColumns(x: Mat): Mat {
  const qr = new QrDecomposition(toMlMatrix(x));
  const q = qr.orthogonalMatrix; // thin: [rows, cols]
  return fromMlMatrix(q);
}

/**
 * @internal Sign convention (sklearn's svd_flip with the decision on V): each row of `vt` is
 * flipped so its largest-magnitude entry is positive; the matching column of `u` with it.
 * Makes components deterministic across methods.
 */
export function flipSigns(vt: Mat, u: Mat | null = null): void {
  const { rows, cols, data } = vt;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestAbs = -1;
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(data[i * cols + j]);
      if (a > bestAbs) {
        bestAbs = a;
        best = j;
      }
    }
    if (data[i * cols + best] < 0) {
      for (let j = 0; j < cols; j++) data[i * cols + j] = -data[i * cols + j];
      if (u) for (let r = 0; r < u.rows; r++) u.data[r * u.cols + i] = -u.data[r * u.cols + i];
    }
  }
}

/** @internal The first `k` rows of `x` (a copy). */
export function topRows(x: Mat, k: number): Mat {
  return { rows: k, cols: x.cols, data: x.data.slice(0, k * x.cols) };
}
