/**
 * GCNConv, the graph convolution of Kipf & Welling (2017), eq. 8:
 *
 *   H' = Â · H · W (+ b),   Â = D̃^−1/2 (A + I) D̃^−1/2,   D̃_ii = Σ_j (A + I)_ij
 *
 * H [n, in] dense (a Tensor) or sparse (a CsrMatrix, e.g. bag-of-words features), W [in, out],
 * b [out], H' [n, out]. Â comes from `graph.normalizedAdjacency()`, computed once per graph
 * and cached on it; propagation is `spmm` (sparse × dense, gradient Âᵀ·dY). With sparse H the
 * product H·W is `spmm(H, W)` too, so the 1433-wide Cora features are never densified.
 * The activation is left to the caller (the model applies ReLU between layers).
 */
import { type JsonObject, type LayerFactory, Module, glorotUniform, zerosInit } from '@lec/nn';
import { CsrMatrix, type DType, Rng, type Tensor, type Variable, add, matmul, spmm, ShapeError } from '@lec/tensor';
import type { Graph } from './graph.js';

/** A graph layer's input: the graph and the node features [n, in] (dense or sparse). */
export interface GraphInput {
  graph: Graph;
  x: Tensor | CsrMatrix;
}

/** Options of the graph layers. */
export interface GraphLayerOptions {
  /** Add a bias b [out] (default false, as in the paper's citation experiments). */
  bias?: boolean;
  /** Seed of the Glorot initialisation (default 0); or pass `rng`. */
  seed?: number;
  rng?: Rng;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: DType;
}

/**
 * Glorot/Xavier uniform init U(−r, r), r = √(6 / (fanIn + fanOut)), for a weight [fanIn, fanOut]:
 * @lec/nn's `glorotUniform()` with an explicit generator (the same draws).
 * @example
 * ```ts
 * glorot([1433, 16], new Rng(0)).shape; // [1433, 16]
 * ```
 */
export function glorot(shape: readonly number[], rng: Rng, dtype: DType = 'float32'): Tensor {
  return glorotUniform()(shape, { rng, dtype });
}

/** @internal The dtype a saved config names (float32 is left out). */
export function dtypeConfig(c: JsonObject, w: Variable): JsonObject {
  if (w.value.dtype !== 'float32') c.dtype = w.value.dtype;
  return c;
}

/** @internal X·W for dense or sparse X, checking the feature dimension. */
export function featureTransform(op: string, x: Tensor | CsrMatrix, w: Tensor): Tensor {
  const cols = x instanceof CsrMatrix ? x.cols : x.shape[x.shape.length - 1];
  if (cols !== w.shape[0]) throw new ShapeError(op, `argument 'x' expected ${w.shape[0]} features per node, got ${cols}`);
  return x instanceof CsrMatrix ? spmm(x, w) : matmul(x, w);
}

/** @internal Checks that x has one row per node. */
export function checkRows(op: string, graph: Graph, x: Tensor | CsrMatrix): void {
  const rows = x instanceof CsrMatrix ? x.rows : x.shape[0];
  if ((x instanceof CsrMatrix ? false : x.rank !== 2) || rows !== graph.numNodes) {
    throw new ShapeError(
      op,
      `argument 'x' expected shape [${graph.numNodes}, features] (one row per node), got ${x instanceof CsrMatrix ? `a sparse [${x.rows}, ${x.cols}]` : `[${x.shape.join(', ')}]`}`,
    );
  }
}

/**
 * The GCN layer H' = Â·H·W (+ b). Stateless with respect to inputs.
 * @example
 * ```ts
 * const g = Graph.fromEdges(3, [[0, 1], [1, 2]]);
 * const conv = new GCNConv(4, 2, { seed: 0 });
 * conv.forward({ graph: g, x: ones([3, 4]) }).shape; // [3, 2]
 * ```
 */
export class GCNConv extends Module<GraphInput, Tensor> {
  readonly type = 'GCNConv';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** W [in, out], Glorot-uniform initialised. */
  readonly weight: Variable;
  /** b [out] (zeros), when `bias` is set. */
  readonly bias: Variable | null;

  constructor(inFeatures: number, outFeatures: number, options: GraphLayerOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    this.weight = this.addParameter('weight', glorot([inFeatures, outFeatures], rng, dtype));
    this.bias = options.bias ? this.addParameter('bias', zerosInit()([outFeatures], { dtype })) : null;
  }

  /** Â·X·W (+ b) [n, out]. The cheaper association is used for dense X: (Â·X)·W when in < out. */
  forward(input: GraphInput): Tensor {
    const { graph, x } = input;
    checkRows('GCNConv', graph, x);
    const a = graph.normalizedAdjacency();
    const w = this.weight.value;
    const out =
      !(x instanceof CsrMatrix) && this.inFeatures < this.outFeatures
        ? featureTransform('GCNConv', spmm(a, x), w)
        : spmm(a, featureTransform('GCNConv', x, w));
    return this.bias ? add(out, this.bias.value) : out;
  }

  /**
   * The config `saveModel` writes (the seed is not part of it: the weights are saved).
   * @example
   * ```ts
   * new GCNConv(4, 2).config(); // { inFeatures: 4, outFeatures: 2, bias: false }
   * ```
   */
  override config(): JsonObject {
    return dtypeConfig({ inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null }, this.weight);
  }

  /** Registry factory (see `gcnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inFeatures = c.int('inFeatures', { min: 1 });
    const outFeatures = c.int('outFeatures', { min: 1 });
    const bias = c.bool('bias', false);
    context.reserve([inFeatures, outFeatures]);
    if (bias) context.reserve([outFeatures]);
    return new GCNConv(inFeatures, outFeatures, { bias, dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}
