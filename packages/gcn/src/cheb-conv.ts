/**
 * ChebConv, the Chebyshev spectral graph convolution of Defferrard et al. (2016), as in
 * Kipf & Welling (2017) eq. 5:
 *
 *   H' = Σ_{k=0..K} T_k(L̃) · H · Θ_k (+ b),   L̃ = 2·L_sym / λmax − I
 *
 * T_0 = I, T_1 = L̃, T_k = 2·L̃·T_{k−1} − T_{k−2}: a K-th order polynomial filter, K-hop local.
 * H [n, in] (dense or sparse), Θ_k [in, out], H' [n, out]. Evaluated by Clenshaw's recurrence
 * on the K + 1 products H·Θ_k (width out), so it costs K sparse products and never densifies
 * a sparse H: b_k = H·Θ_k + 2·L̃·b_{k+1} − b_{k+2}, H' = H·Θ_0 + L̃·b_1 − b_2.
 *
 * `renormalized: true` applies the GCN renormalisation trick: with λmax = 2 the first-order
 * operator I − L̃ equals I + D^−1/2 A D^−1/2, which the trick replaces by
 * Â = D̃^−1/2 (A + I) D̃^−1/2; so L̃ := I − Â. Then K = 1 with tied weights Θ_1 = −Θ_0 = −W gives
 * Â·H·W, exactly GCNConv.
 */
import { lanczos } from '@lec/linalg';
import { FormatError, type JsonObject, type LayerFactory, Module, zerosInit } from '@lec/nn';
import { CsrMatrix, Rng, type Tensor, type Variable, ValueError, add, mul, spmm, sub } from '@lec/tensor';
import { checkRows, dtypeConfig, featureTransform, glorot, type GraphInput, type GraphLayerOptions } from './gcn-conv.js';
import type { Graph } from './graph.js';
import { laplacian, memoOnGraph } from './laplacian.js';

/** Options of `ChebConv`. */
export interface ChebConvOptions extends GraphLayerOptions {
  /**
   * λmax used to scale L_sym into [−1, 1]: a number (default 2, the bound of L_sym's
   * spectrum) or 'auto' (the largest eigenvalue by Lanczos, computed once per graph).
   */
  lambdaMax?: number | 'auto';
  /** Use L̃ = I − Â (the renormalisation trick; see the file comment). Default false. */
  renormalized?: boolean;
}

/**
 * The scaled Laplacian L̃ of a graph as a CsrMatrix (cached per graph and option).
 * @example
 * ```ts
 * scaledLaplacian(Graph.fromEdges(2, [[0, 1]]), 2).toDenseArray(); // [[0, -1], [-1, 0]]
 * ```
 */
export function scaledLaplacian(graph: Graph, lambdaMax: number | 'auto' = 2, renormalized = false): CsrMatrix {
  if (renormalized) {
    return memoOnGraph(graph, 'scaledLaplacian:renormalized', () => {
      const a = graph.normalizedAdjacency(); // has every diagonal entry
      const values = new Float64Array(a.nnz);
      for (let r = 0; r < a.rows; r++)
        for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) values[p] = (a.colIdx[p] === r ? 1 : 0) - a.values[p];
      return new CsrMatrix(a.rows, a.cols, a.rowPtr, a.colIdx, values, { symmetric: !graph.directed });
    });
  }
  const l = laplacian(graph, 'symmetric');
  const lmax = lambdaMax === 'auto' ? lanczos(l, 1, { which: 'largest', tol: 1e-6 }).values[0] : lambdaMax;
  if (!(lmax > 0 && Number.isFinite(lmax)))
    throw new ValueError('scaledLaplacian', `argument 'lambdaMax' expected a positive number or 'auto', got ${lambdaMax}`);
  return memoOnGraph(graph, `scaledLaplacian:${lmax}`, () => {
    // the symmetric Laplacian stores every diagonal entry, so L̃ has L's pattern
    const values = new Float64Array(l.nnz);
    for (let r = 0; r < l.rows; r++)
      for (let p = l.rowPtr[r]; p < l.rowPtr[r + 1]; p++) values[p] = (2 / lmax) * l.values[p] - (l.colIdx[p] === r ? 1 : 0);
    return new CsrMatrix(l.rows, l.cols, l.rowPtr, l.colIdx, values, { symmetric: !graph.directed });
  });
}

/**
 * The Chebyshev graph convolution of order K (K + 1 weight matrices).
 * @example
 * ```ts
 * const g = ringGraph(5);
 * new ChebConv(3, 2, 2, { seed: 0 }).forward({ graph: g, x: ones([5, 3]) }).shape; // [5, 2]
 * ```
 */
export class ChebConv extends Module<GraphInput, Tensor> {
  readonly type = 'ChebConv';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Polynomial order K. */
  readonly order: number;
  /** Θ_0 .. Θ_K, each [in, out], Glorot-uniform. */
  readonly weights: Variable[];
  readonly bias: Variable | null;
  readonly lambdaMax: number | 'auto';
  readonly renormalized: boolean;

  constructor(inFeatures: number, outFeatures: number, order: number, options: ChebConvOptions = {}) {
    super();
    if (!Number.isSafeInteger(order) || order < 0)
      throw new ValueError('ChebConv', `argument 'order' expected a non-negative integer K, got ${order}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.order = order;
    this.lambdaMax = options.lambdaMax ?? 2;
    this.renormalized = options.renormalized ?? false;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    this.weights = Array.from({ length: order + 1 }, (_, k) =>
      this.addParameter(`weight${k}`, glorot([inFeatures, outFeatures], rng, dtype)),
    );
    this.bias = options.bias ? this.addParameter('bias', zerosInit()([outFeatures], { dtype })) : null;
  }

  /** Σ_k T_k(L̃)·X·Θ_k (+ b), [n, out]. */
  forward(input: GraphInput): Tensor {
    const { graph, x } = input;
    checkRows('ChebConv', graph, x);
    const c = this.weights.map((w) => featureTransform('ChebConv', x, w.value));
    let out: Tensor;
    if (this.order === 0) out = c[0];
    else {
      const lt = scaledLaplacian(graph, this.lambdaMax, this.renormalized);
      // Clenshaw: b_K = c_K, b_{K−1} = c_{K−1} + 2 L̃ b_K, ..., down to b_1
      let b1: Tensor = c[this.order];
      let b2: Tensor | null = null;
      for (let k = this.order - 1; k >= 1; k--) {
        let bk = add(c[k], mul(spmm(lt, b1), 2));
        if (b2) bk = sub(bk, b2);
        b2 = b1;
        b1 = bk;
      }
      out = add(c[0], spmm(lt, b1));
      if (b2) out = sub(out, b2);
    }
    return this.bias ? add(out, this.bias.value) : out;
  }

  /**
   * The config `saveModel` writes.
   * @example
   * ```ts
   * new ChebConv(3, 2, 2).config(); // { inFeatures: 3, outFeatures: 2, order: 2, bias: false, lambdaMax: 2, renormalized: false }
   * ```
   */
  override config(): JsonObject {
    return dtypeConfig(
      {
        inFeatures: this.inFeatures,
        outFeatures: this.outFeatures,
        order: this.order,
        bias: this.bias !== null,
        lambdaMax: this.lambdaMax,
        renormalized: this.renormalized,
      },
      this.weights[0],
    );
  }

  /** Registry factory (see `gcnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inFeatures = c.int('inFeatures', { min: 1 });
    const outFeatures = c.int('outFeatures', { min: 1 });
    const order = c.int('order', { max: 64 });
    const bias = c.bool('bias', false);
    const lambdaMax = c.config.lambdaMax === 'auto' ? 'auto' : c.number('lambdaMax', { fallback: 2 });
    if (lambdaMax !== 'auto' && !(lambdaMax > 0))
      throw new FormatError(
        'loadModel',
        `layer 'ChebConv': config field 'lambdaMax' expected a positive number or 'auto', got ${lambdaMax}`,
      );
    for (let k = 0; k <= order; k++) context.reserve([inFeatures, outFeatures]);
    if (bias) context.reserve([outFeatures]);
    return new ChebConv(inFeatures, outFeatures, order, {
      bias,
      lambdaMax,
      renormalized: c.bool('renormalized', false),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}
