/**
 * Dense float64 linear algebra on row-major matrices, the numeric core of the package. PCA
 * works in double precision on the CPU whatever the tensor backend is: eigenvalues of a
 * 784-dimensional covariance must agree with a float64 reference to 1e-6, which float32
 * accumulation over 10,000 rows does not give. The SVD comes from ml-matrix; the symmetric
 * eigensolver (EISPACK tred2/tql2, as ml-matrix's EVD but cache-friendly), the thin QR
 * (Gram–Schmidt twice) and the O(n·d²) and O(n·d·k) products are the loops below.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

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

/**
 * @internal Eigen-decomposition of a symmetric matrix: eigenvalues in descending order and
 * the eigenvectors as the rows of a [d, d] matrix (row i goes with eigenvalue i).
 * Householder tridiagonalisation then the implicit QL algorithm (tred2/tql2 of EISPACK, as in
 * JAMA and ml-matrix's EVD), on flat arrays. The orthogonal matrix is held transposed
 * (w[c·n + r] = V[r][c]) so every inner loop runs over contiguous memory: about 10× faster
 * than ml-matrix's EVD at d = 784, with the same algorithm and rounding behaviour.
 */
export function symmetricEigen(s: Mat): { values: Float64Array; vectors: Mat } {
  const n = s.rows;
  const w = new Float64Array(n * n); // w[c * n + r] = V[r][c]
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) w[c * n + r] = s.data[r * n + c];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tred2(n, w, d, e);
    tql2(n, w, d, e);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  const values = new Float64Array(n);
  const vectors = zerosMat(n, n);
  order.forEach((src, i) => {
    values[i] = d[src];
    vectors.data.set(w.subarray(src * n, (src + 1) * n), i * n);
  });
  return { values, vectors };
}

/** Householder reduction to tridiagonal form (EISPACK tred2); w holds Vᵀ. */
function tred2(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        w[i * n + j] = f; // V[j][i]
        g = e[j] + w[wj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += w[wj + k] * d[k];
          e[k] += w[wj + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) w[wj + k] -= f * e[k] + g * d[k];
        d[j] = w[wj + i - 1];
        w[wj + i] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i];
    w[i * n + i] = 1;
    const h = d[i + 1];
    const wi1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[wi1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const wj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[wi1 + k] * w[wj + k];
        for (let k = 0; k <= i; k++) w[wj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[wi1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iterations on the tridiagonal (d, e) (EISPACK tql2); rotations applied to w's rows. */
function tql2(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const t = w[b + k];
            w[b + k] = s * w[a + k] + c * t;
            w[a + k] = c * w[a + k] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
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

/**
 * @internal An orthonormal basis of the column space of a tall x ([rows, cols], rows >= cols):
 * the Q of a thin QR, by classical Gram–Schmidt applied twice ("CGS2", Giraud et al. 2005:
 * orthogonal to working precision for numerically full-rank x) on contiguous columns. A
 * column that vanishes (rank deficiency) is replaced by a unit vector orthogonal to the rest,
 * so Q always has orthonormal columns.
 */
export function orthonormalColumns(x: Mat): Mat {
  const { rows: n, cols: m } = x;
  const q = transpose(x).data; // column j is q[j * n ...]
  const proj = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const qj = j * n;
    const original = Math.sqrt(dot(q, qj, q, qj, n));
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) proj[i] = dot(q, i * n, q, qj, n);
      for (let i = 0; i < j; i++) {
        const c = proj[i];
        const qi = i * n;
        for (let r = 0; r < n; r++) q[qj + r] -= c * q[qi + r];
      }
    }
    let norm = Math.sqrt(dot(q, qj, q, qj, n));
    if (!(norm > 1e-10 * original) || norm === 0) {
      // dependent column: take the first coordinate vector with a component outside span(q_0..q_j-1)
      for (let e = 0; e < n; e++) {
        q.fill(0, qj, qj + n);
        q[qj + e] = 1;
        for (let pass = 0; pass < 2; pass++) {
          for (let i = 0; i < j; i++) {
            const c = dot(q, i * n, q, qj, n);
            for (let r = 0; r < n; r++) q[qj + r] -= c * q[i * n + r];
          }
        }
        norm = Math.sqrt(dot(q, qj, q, qj, n));
        if (norm > 0.5) break;
      }
    }
    for (let r = 0; r < n; r++) q[qj + r] /= norm;
  }
  return transpose({ rows: m, cols: n, data: q });
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < n; r += 2) {
    s0 += a[ao + r] * b[bo + r];
    s1 += a[ao + r + 1] * b[bo + r + 1];
  }
  if (r < n) s0 += a[ao + r] * b[bo + r];
  return s0 + s1;
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
