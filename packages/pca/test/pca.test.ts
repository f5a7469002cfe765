import { Rng, ShapeError, ValueError, f64Backend, tensor } from '@lec/tensor';
import { describe, expect, test } from 'vitest';
import { IncrementalPCA, PCA, type PcaMethod, principalAngles } from '../src/index.js';
import { gemm, orthonormalColumns, symmetricEigen } from '@lec/linalg';

/** n samples of `latent` independent Gaussian factors with decreasing scales, mixed into d features, plus noise. */
function synthetic(n: number, d: number, latent: number, noise: number, seed = 1): number[][] {
  const rng = new Rng(seed);
  const mix = rng.normal(latent * d);
  const z = rng.normal(n * latent);
  const e = rng.normal(n * d);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let v = 3 + 0.5 * j; // a non-zero mean
      for (let l = 0; l < latent; l++) v += z[i * latent + l] * (latent - l) * mix[l * d + j];
      return v + noise * e[i * d + j];
    }),
  );
}

/** Eigen-decomposition of the sample covariance by the textbook route: Jacobi rotations on a small matrix. */
function referenceEigenvalues(x: number[][]): number[] {
  const n = x.length;
  const d = x[0].length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const c = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => x.reduce((s, r) => s + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / (n - 1)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += c[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (Math.abs(c[p][q]) < 1e-300) continue;
        const theta = (c[q][q] - c[p][p]) / (2 * c[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < d; k++) {
          const ckp = c[k][p];
          const ckq = c[k][q];
          c[k][p] = cs * ckp - sn * ckq;
          c[k][q] = sn * ckp + cs * ckq;
        }
        for (let k = 0; k < d; k++) {
          const cpk = c[p][k];
          const cqk = c[q][k];
          c[p][k] = cs * cpk - sn * cqk;
          c[q][k] = sn * cpk + cs * cqk;
        }
      }
    }
  }
  return c.map((r, i) => r[i]).sort((a, b) => b - a);
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

describe('PCA on small synthetic data', () => {
  const x = synthetic(60, 8, 3, 0.05);
  const eig = referenceEigenvalues(x);
  const total = eig.reduce((a, b) => a + b, 0);

  test.each(['covariance', 'svd', 'auto'] as PcaMethod[])(
    '%s: eigenvalues, ratios and orthonormal components match a Jacobi reference',
    (method) => {
      const pca = new PCA({ method }).fit(x);
      expect(pca.nComponents).toBe(8);
      pca.explainedVariance.forEach((v, i) => expect(close(v, eig[i], 1e-9)).toBe(true));
      pca.explainedVarianceRatio.forEach((r, i) => expect(r).toBeCloseTo(eig[i] / total, 12));
      expect(pca.totalVariance).toBeCloseTo(total, 9);
      expect(pca.cumulativeVarianceRatio[7]).toBeCloseTo(1, 12);
      const v = pca.componentsArray();
      for (let a = 0; a < 8; a++)
        for (let b = 0; b < 8; b++) expect(v[a].reduce((s, t, j) => s + t * v[b][j], 0)).toBeCloseTo(a === b ? 1 : 0, 10);
      pca.singularValues.forEach((s, i) => expect((s * s) / 59).toBeCloseTo(pca.explainedVariance[i], 9));
    },
  );

  test('covariance and svd give the same components (sign convention included)', () => {
    const a = new PCA({ method: 'covariance', nComponents: 3 }).fit(x).componentsArray();
    const b = new PCA({ method: 'svd', nComponents: 3 }).fit(x).componentsArray();
    a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 9)));
  });

  test('randomized (seeded) recovers the top components and is reproducible', () => {
    const exact = new PCA({ nComponents: 3 }).fit(x);
    const r1 = new PCA({ method: 'randomized', nComponents: 3, seed: 7 }).fit(x);
    const r2 = new PCA({ method: 'randomized', nComponents: 3, seed: 7 }).fit(x);
    expect(r1.componentsArray()).toEqual(r2.componentsArray());
    r1.explainedVariance.forEach((v, i) => expect(close(v, exact.explainedVariance[i], 1e-8)).toBe(true));
    expect(Math.max(...principalAngles(exact.componentsArray(), r1.componentsArray(), { vectors: 'rows' }))).toBeLessThan(1e-4);
    expect(r1.methodUsed).toBe('randomized');
  });

  test('transform then inverseTransform: exact with all components, the best rank-k fit otherwise', () => {
    const full = new PCA().fit(x);
    const back = full.inverseTransform(full.transform(x)).toArray() as number[][];
    back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(x[i][j], 3))); // float32 output
    const k3 = new PCA({ nComponents: 3, dtype: 'float64' }).fit(x);
    // the residual of a rank-k PCA is the sum of the discarded eigenvalues
    const residual = (k3.reconstructionError(x) * 60 * 8) / 59;
    expect(residual).toBeCloseTo(
      eig.slice(3).reduce((a, b) => a + b, 0),
      9,
    );
  });

  test('projections are centred, uncorrelated, with variances λ; whitening makes them unit', () => {
    for (const whiten of [false, true]) {
      const pca = new PCA({ nComponents: 3, whiten, dtype: 'float64' }).fit(x);
      const z = pca.transform(x).toArray() as number[][];
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const cov = z.reduce((s, r) => s + r[a] * r[b], 0) / 59;
          const want = a !== b ? 0 : whiten ? 1 : pca.explainedVariance[a];
          expect(cov).toBeCloseTo(want, 9);
        }
      }
      const back = pca.inverseTransform(z).toArray() as number[][];
      const plain = new PCA({ nComponents: 3, dtype: 'float64' }).fit(x);
      const want = plain.inverseTransform(plain.transform(x)).toArray() as number[][];
      back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 9)));
    }
  });

  test('varianceThreshold keeps the smallest k reaching the threshold', () => {
    const all = new PCA().fit(x).cumulativeVarianceRatio;
    for (const t of [0.5, 0.9, 0.99, 0.9999, 1]) {
      const k = new PCA({ varianceThreshold: t }).fit(x).nComponents;
      expect(all[k - 1]).toBeGreaterThanOrEqual(t - 1e-12);
      if (k > 1) expect(all[k - 2]).toBeLessThan(t);
    }
    expect(new PCA({ method: 'randomized', nComponents: 5, varianceThreshold: 0.5 }).fit(x).nComponents).toBe(
      new PCA({ varianceThreshold: 0.5 }).fit(x).nComponents,
    );
  });

  test('inputs: Tensor (dtype and backend kept), number[][], Float32Array with a shape', () => {
    const flat = new Float32Array(x.flat());
    const a = new PCA({ nComponents: 2 }).fit({ data: flat, shape: [60, 8] });
    const f64 = tensor(new Float64Array(x.flat()), [60, 8], { backend: f64Backend() });
    const b = new PCA({ nComponents: 2 }).fit(f64);
    a.explainedVariance.forEach((v, i) => expect(v).toBeCloseTo(b.explainedVariance[i], 3));
    const z = b.transform(f64);
    expect(z.dtype).toBe('float64');
    expect(z.backend.name).toBe('f64');
    expect(z.shape).toEqual([60, 2]);
    expect(a.transform(x).dtype).toBe('float32');
    expect(b.components.shape).toEqual([2, 8]);
    expect(b.mean).toHaveLength(8);
  });

  test('fewer samples than features: auto uses svd', () => {
    const wide = synthetic(5, 12, 2, 0.1);
    const pca = new PCA().fit(wide);
    expect(pca.methodUsed).toBe('svd');
    expect(pca.nComponents).toBe(5);
    expect(pca.explainedVariance[4]).toBeCloseTo(0, 9); // centred rank is n − 1
  });

  test('bad arguments raise typed errors that say what was expected', () => {
    expect(() => new PCA({ nComponents: 0 })).toThrow(ValueError);
    expect(() => new PCA({ varianceThreshold: 1.5 })).toThrow(/varianceThreshold' expected a number in \(0, 1\], got 1.5/);
    expect(() => new PCA({ method: 'randomized' })).toThrow(/nComponents' is required/);
    expect(() => new PCA({ method: 'qr' as PcaMethod })).toThrow(/'method' expected/);
    expect(() => new PCA({ nComponents: 9 }).fit(x)).toThrow(/at most min\(n, d\) = 8/);
    expect(() => new PCA().fit([[1, 2]])).toThrow(/at least 2 samples/);
    expect(() => new PCA().fit([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => new PCA().fit({ data: [1, 2, 3], shape: [2, 2] })).toThrow(/has shape \[2, 2\] \(4 elements\) but its data has 3/);
    expect(() => new PCA().fit(tensor([1, 2, 3]))).toThrow(/expected a rank-2 tensor/);
    const pca = new PCA({ nComponents: 2 }).fit(x);
    expect(() => pca.transform([[1, 2, 3]])).toThrow(/expected 8 features \(columns\), got shape \[1, 3\]/);
    expect(() => pca.inverseTransform([[1, 2, 3]])).toThrow(/expected 2 columns \(one per component\)/);
    expect(() => new PCA().transform(x)).toThrow(/not fitted yet/);
  });
});

describe('IncrementalPCA', () => {
  test('on data of rank ≤ k it is exact: same variances and subspace as batch PCA', () => {
    const x = synthetic(200, 10, 3, 0);
    const batch = new PCA({ nComponents: 3 }).fit(x);
    const inc = new IncrementalPCA({ nComponents: 4, batchSize: 25 }).fit(x);
    expect(inc.nSamples).toBe(200);
    batch.explainedVariance.forEach((v, i) => expect(close(inc.explainedVariance[i], v, 1e-9)).toBe(true));
    batch.explainedVarianceRatio.forEach((v, i) => expect(inc.explainedVarianceRatio[i]).toBeCloseTo(v, 10));
    expect(inc.mean.every((m, j) => close(m, batch.mean[j], 1e-12))).toBe(true);
    expect(inc.totalVariance).toBeCloseTo(batch.totalVariance, 9);
    const angles = principalAngles(batch.componentsArray(), inc.componentsArray().slice(0, 3), { vectors: 'rows' });
    expect(Math.max(...angles)).toBeLessThan(1e-6);
  });

  test('on noisy data the top components agree with batch PCA within 1°, and partialFit = fit', () => {
    const x = synthetic(300, 12, 4, 0.05, 3);
    const batch = new PCA({ nComponents: 4 }).fit(x);
    const inc = new IncrementalPCA({ nComponents: 6, batchSize: 40 }).fit(x);
    expect(Math.max(...principalAngles(batch.componentsArray(), inc.componentsArray().slice(0, 4), { vectors: 'rows' }))).toBeLessThan(1);
    const byHand = new IncrementalPCA({ nComponents: 6 });
    for (let i = 0; i < 300; i += 40) byHand.partialFit(x.slice(i, Math.min(i + 40, 300)));
    // fit merges the short last batch (20 rows) into the previous one, so allow rounding
    byHand.explainedVariance.forEach((v, i) => expect(close(v, inc.explainedVariance[i], 1e-2)).toBe(true));
  });

  test('one batch holding everything equals batch PCA', () => {
    const x = synthetic(50, 6, 3, 0.2);
    const inc = new IncrementalPCA({ nComponents: 3, batchSize: 50 }).fit(x);
    const batch = new PCA({ nComponents: 3 }).fit(x);
    inc.componentsArray().forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(batch.componentsArray()[i][j], 9)));
  });

  test('whitening, transforms and errors', () => {
    const x = synthetic(80, 5, 2, 0.1);
    const inc = new IncrementalPCA({ nComponents: 2, whiten: true, dtype: 'float64' }).fit(x);
    const z = inc.transform(x).toArray() as number[][];
    expect(z.reduce((s, r) => s + r[0] * r[0], 0) / 79).toBeCloseTo(1, 6);
    expect(() => new IncrementalPCA({ nComponents: 0 })).toThrow(ValueError);
    expect(() => new IncrementalPCA({ nComponents: 3, batchSize: 2 })).toThrow(
      /batchSize' expected an integer >= nComponents \(3\), got 2/,
    );
    expect(() =>
      new IncrementalPCA({ nComponents: 3 }).partialFit([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
    ).toThrow(/at least max\(nComponents, 2\) = 3 rows, got 2/);
    expect(() => inc.partialFit([[1, 2]])).toThrow(/expected 5 features \(columns\) like the earlier batches, got 2/);
  });
});

describe('principalAngles', () => {
  test('known angles, in degrees and radians, either layout, either order', () => {
    expect(principalAngles([[1], [0], [0]], [[1], [1], [0]])[0]).toBeCloseTo(45, 12);
    expect(principalAngles([[1, 0, 0]], [[0, 1, 0]], { vectors: 'rows', unit: 'radians' })[0]).toBeCloseTo(Math.PI / 2, 12);
    // a plane and a line inside it: 0°; two planes in R^3 meet along a line: angles [0, θ]
    expect(
      principalAngles(
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        [[1], [1], [0]],
      )[0],
    ).toBeCloseTo(0, 12);
    const t = 0.3;
    const planes = principalAngles(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [1, 0, 0],
        [0, Math.cos(t), Math.sin(t)],
      ],
      { vectors: 'rows', unit: 'radians' },
    );
    expect(planes[0]).toBeCloseTo(0, 12);
    expect(planes[1]).toBeCloseTo(t, 12);
    const ab = principalAngles(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [[1, 1, 1]],
      { vectors: 'rows' },
    );
    const ba = principalAngles(
      [[1, 1, 1]],
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      { vectors: 'rows' },
    );
    expect(ab).toHaveLength(1);
    expect(ab[0]).toBeCloseTo(ba[0], 12);
    expect(ab[0]).toBeCloseTo((Math.acos(Math.sqrt(2 / 3)) * 180) / Math.PI, 10);
  });

  test('the basis does not matter, only the span; tiny angles are accurate (sine formula)', () => {
    const rng = new Rng(5);
    const d = 20;
    const a = Array.from({ length: d }, () => Array.from(rng.normal(3)));
    // same span, other basis: b = a·M for an invertible M
    const m = [
      [2, 1, 0],
      [0, 1, 3],
      [1, 0, 1],
    ];
    const b = a.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, i) => s + v * m[i][j], 0)));
    expect(Math.max(...principalAngles(a, b, { unit: 'radians' }))).toBeLessThan(1e-12);
    // rotate one vector by 1e-9 rad out of the span
    const e = [
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const f = [
      [1, 0],
      [0, Math.cos(1e-9)],
      [0, Math.sin(1e-9)],
    ];
    expect(principalAngles(e, f, { unit: 'radians' })[1]).toBeCloseTo(1e-9, 20);
  });

  test('Tensor inputs and errors', () => {
    expect(principalAngles(tensor([[1], [0]]), tensor([[0], [1]]))[0]).toBeCloseTo(90, 10);
    expect(() => principalAngles([[1], [0]], [[1], [0], [0]])).toThrow(/same space: a spans vectors of length 2, b of length 3/);
    expect(() => principalAngles([[1, 0, 1]], [[1]])).toThrow(/has 3 vectors in R\^1/);
    expect(() => principalAngles([[1]], [[1]], { unit: 'grad' as 'degrees' })).toThrow(/option 'unit'/);
  });
});

describe('linear algebra kernels', () => {
  test('orthonormalColumns: QᵀQ = I and span(Q) = span(x), also for dependent columns', () => {
    const rng = new Rng(9);
    const x = { rows: 30, cols: 5, data: rng.normal(150) };
    for (let r = 0; r < 30; r++) x.data[r * 5 + 3] = 2 * x.data[r * 5 + 1] - x.data[r * 5]; // column 3 dependent
    const q = orthonormalColumns(x);
    const qtq = gemm(q, q, true, false);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(qtq.data[i * 5 + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    // every column of x lies in span(Q): x − Q·Qᵀ·x = 0
    const back = gemm(q, gemm(q, x, true, false));
    back.data.forEach((v, i) => expect(v).toBeCloseTo(x.data[i], 10));
  });

  test('symmetricEigen: A·v = λ·v, descending, orthonormal vectors', () => {
    const rng = new Rng(10);
    const n = 12;
    const b = { rows: n, cols: n, data: rng.normal(n * n) };
    const a = gemm(b, b, true, false);
    const { values, vectors } = symmetricEigen(a);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const av = gemm(vectors, a); // rows: (A·v_i)ᵀ, A symmetric
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(av.data[i * n + j]).toBeCloseTo(values[i] * vectors.data[i * n + j], 9);
    const vvt = gemm(vectors, vectors, false, true);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(vvt.data[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(symmetricEigen({ rows: 1, cols: 1, data: new Float64Array([4]) }).values[0]).toBe(4);
  });
});
