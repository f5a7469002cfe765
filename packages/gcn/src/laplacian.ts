/**
 * Graph Laplacians as CSR matrices [n, n], from the adjacency A and degrees D = diag(Σ_j A_ij):
 *   combinatorial  L = D − A                       (eigenvalues in [0, 2·max degree])
 *   symmetric      L_sym = D^−1/2 (D − A) D^−1/2 = I − D^−1/2 A D^−1/2   (eigenvalues in [0, 2])
 *   randomWalk     L_rw  = D^−1 (D − A) = I − D^−1 A   (same eigenvalues as L_sym; not symmetric)
 * An isolated node (degree 0) gets an all-zero row in the normalised forms (as networkx).
 * A self-loop contributes to D and to A_ii, so it cancels on the diagonal of D − A.
 */
import { CsrMatrix, ValueError } from '@lec/tensor';
import type { Graph } from './graph.js';

/** The Laplacian variants. */
export type LaplacianKind = 'combinatorial' | 'symmetric' | 'randomWalk';

const cache = new WeakMap<Graph, Map<string, CsrMatrix>>();

/** @internal Memoises a matrix derived from a graph. */
export function memoOnGraph(graph: Graph, key: string, make: () => CsrMatrix): CsrMatrix {
  let m = cache.get(graph);
  if (!m) cache.set(graph, (m = new Map()));
  let v = m.get(key);
  if (!v) m.set(key, (v = make()));
  return v;
}

/**
 * The Laplacian of `graph` (default combinatorial), cached per graph and kind.
 * @example
 * ```ts
 * laplacian(Graph.fromEdges(2, [[0, 1]])).toDenseArray(); // [[1, -1], [-1, 1]]
 * laplacian(Graph.fromEdges(2, [[0, 1]]), 'symmetric').toDenseArray(); // [[1, -1], [-1, 1]]
 * ```
 */
export function laplacian(graph: Graph, kind: LaplacianKind = 'combinatorial'): CsrMatrix {
  if (kind !== 'combinatorial' && kind !== 'symmetric' && kind !== 'randomWalk')
    throw new ValueError('laplacian', `argument 'kind' expected 'combinatorial', 'symmetric' or 'randomWalk', got '${String(kind)}'`);
  return memoOnGraph(graph, `laplacian:${kind}`, () => {
    const n = graph.numNodes;
    const d = graph.degrees();
    const left = new Float64Array(n).fill(1);
    const right = new Float64Array(n).fill(1);
    if (kind !== 'combinatorial') {
      for (let i = 0; i < n; i++) {
        const s = d[i] > 0 ? (kind === 'symmetric' ? 1 / Math.sqrt(d[i]) : 1 / d[i]) : 0;
        left[i] = s;
        right[i] = kind === 'symmetric' ? s : 1;
      }
    }
    const rowPtr = new Int32Array(n + 1);
    const colIdx = new Int32Array(graph.nnz + n);
    const values = new Float64Array(graph.nnz + n);
    let out = 0;
    for (let r = 0; r < n; r++) {
      let diag = d[r];
      let placed = false;
      const start = out;
      for (let p = graph.rowPtr[r]; p < graph.rowPtr[r + 1]; p++) {
        const c = graph.colIdx[p];
        if (c === r) {
          diag -= graph.values[p];
          continue;
        }
        if (!placed && c > r) {
          placed = true;
          colIdx[out++] = r;
        }
        colIdx[out] = c;
        values[out++] = -left[r] * graph.values[p] * right[c];
      }
      if (!placed) colIdx[out++] = r;
      for (let q = start; q < out; q++) if (colIdx[q] === r) values[q] = left[r] * diag * right[r];
      rowPtr[r + 1] = out;
    }
    return new CsrMatrix(n, n, rowPtr, colIdx.slice(0, out), values.slice(0, out), { symmetric: !graph.directed && kind !== 'randomWalk' });
  });
}

/** y = M·x for a CSR matrix and a Float64Array (float64), the operator the eigensolvers use; from @lec/linalg. */
export { csrMatVec } from '@lec/linalg';
