/**
 * Graph: n nodes and weighted or unweighted, directed or undirected edges, stored as CSR
 * (row i lists the out-neighbours of node i, columns ascending). An undirected edge {u, v}
 * is stored in both rows u and v; a self-loop (u, u) once, on the diagonal.
 *
 * Adjacency A: A[i][j] = weight of edge i→j (1 when unweighted). Degree d_i = Σ_j A[i][j]
 * (the row sum, so a self-loop counts once, as in A + I). Built in O(n + m) by two counting
 * sorts, so graphs of 10^6 edges build in well under a second.
 */
import { CsrMatrix, ValueError } from '@lec/tensor';
import { GraphError, NodeIdError } from './errors.js';

/** What happens when an edge appears more than once (for undirected graphs (u, v) and (v, u) are the same edge). */
export type DuplicatePolicy = 'merge' | 'sum' | 'error';

/** Options of `Graph.fromEdges` and `Graph.fromArrays`. */
export interface GraphOptions {
  /** Edges are ordered pairs (default false: each edge joins both ends). */
  directed?: boolean;
  /** One weight per edge (finite, ≥ 0). Without it the graph is unweighted (all weights 1). */
  weights?: ArrayLike<number>;
  /**
   * Repeated edges: 'merge' (default) keeps one edge with the first occurrence's weight;
   * 'sum' keeps one edge whose weight is the sum (a multigraph as a weighted graph; for an
   * unweighted graph the weight becomes the multiplicity); 'error' throws a GraphError.
   */
  duplicates?: DuplicatePolicy;
  /** Self-loops (u, u): 'keep' (default) stores them on the diagonal; 'drop' removes them. */
  selfLoops?: 'keep' | 'drop';
}

/** Options of `Graph.adjacency`. */
export interface AdjacencyOptions {
  /** Adds this value to every diagonal entry (1 gives A + I; default 0). */
  selfLoopWeight?: number;
}

/**
 * An immutable graph in CSR form. Build it with `Graph.fromEdges` (pairs) or
 * `Graph.fromArrays` (typed arrays); `sbm()` and the loaders return one too.
 * @example
 * ```ts
 * const g = Graph.fromEdges(3, [[0, 1], [1, 2]]);
 * g.numEdges; // 2
 * Array.from(g.degrees()); // [1, 2, 1]
 * ```
 */
export class Graph {
  /** Number of nodes; node ids are 0 .. numNodes − 1. */
  readonly numNodes: number;
  readonly directed: boolean;
  /** Whether edge weights were given (otherwise every weight is 1). */
  readonly weighted: boolean;
  /** CSR row pointers, length numNodes + 1. */
  readonly rowPtr: Int32Array;
  /** CSR column ids (neighbours), ascending within each row. */
  readonly colIdx: Int32Array;
  /** CSR values: the weight of each stored entry (all 1 when unweighted). */
  readonly values: Float64Array;
  readonly #cache = new Map<string, unknown>();

  /** @internal Use `Graph.fromEdges` / `Graph.fromArrays`; the arrays must already be valid CSR. */
  constructor(numNodes: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, directed: boolean, weighted: boolean) {
    this.numNodes = numNodes;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
    this.directed = directed;
    this.weighted = weighted;
  }

  /**
   * A graph from [src, dst] pairs.
   * @example
   * ```ts
   * Graph.fromEdges(2, [[0, 1]], { directed: true }).hasEdge(1, 0); // false
   * ```
   */
  static fromEdges(numNodes: number, edges: Iterable<readonly [number, number]>, options: GraphOptions = {}): Graph {
    const src: number[] = [];
    const dst: number[] = [];
    for (const e of edges) {
      src.push(e[0]);
      dst.push(e[1]);
    }
    return Graph.fromArrays(numNodes, src, dst, options);
  }

  /**
   * A graph from parallel arrays of edge ends (typed arrays or plain arrays), O(n + m).
   * @example
   * ```ts
   * const g = Graph.fromArrays(3, Int32Array.of(0, 0), Int32Array.of(1, 2), { weights: [2, 5] });
   * g.weight(2, 0); // 5
   * ```
   */
  static fromArrays(numNodes: number, src: ArrayLike<number>, dst: ArrayLike<number>, options: GraphOptions = {}): Graph {
    const op = 'Graph.fromArrays';
    if (!Number.isSafeInteger(numNodes) || numNodes < 0 || numNodes > 0x7fffffff)
      throw new ValueError(op, `argument 'numNodes' expected a non-negative integer below 2^31, got ${numNodes}`);
    const m = src.length;
    if (dst.length !== m) throw new GraphError(op, `arguments 'src' (${m}) and 'dst' (${dst.length}) must have the same length`);
    const w = options.weights;
    if (w && w.length !== m) throw new GraphError(op, `argument 'weights' expected one weight per edge (${m}), got ${w.length}`);
    const directed = options.directed ?? false;
    const duplicates = options.duplicates ?? 'merge';
    const dropLoops = (options.selfLoops ?? 'keep') === 'drop';
    let entries = 0;
    for (let e = 0; e < m; e++) {
      const u = src[e];
      const v = dst[e];
      if (!(Number.isInteger(u) && u >= 0 && u < numNodes))
        throw new NodeIdError(op, `edge ${e} has source ${u}, expected an integer node id in [0, ${numNodes})`);
      if (!(Number.isInteger(v) && v >= 0 && v < numNodes))
        throw new NodeIdError(op, `edge ${e} has target ${v}, expected an integer node id in [0, ${numNodes})`);
      if (w && !(Number.isFinite(w[e]) && w[e] >= 0))
        throw new GraphError(op, `edge ${e} (${u}, ${v}) has weight ${w[e]}, expected a finite number >= 0`);
      if (u === v) entries += dropLoops ? 0 : 1;
      else entries += directed ? 1 : 2;
    }
    if (entries > 0x7fffffff) throw new GraphError(op, `${entries} stored entries exceed the 2^31 − 1 that Int32 CSR can index`);
    // Entry k: (rows[k], cols[k]) from edge edgeOf[k]. Undirected edges emit both directions.
    const rows = new Int32Array(entries);
    const cols = new Int32Array(entries);
    const edgeOf = new Int32Array(entries);
    let k = 0;
    for (let e = 0; e < m; e++) {
      const u = src[e];
      const v = dst[e];
      if (u === v) {
        if (dropLoops) continue;
      } else if (!directed) {
        rows[k] = v;
        cols[k] = u;
        edgeOf[k++] = e;
      }
      rows[k] = u;
      cols[k] = v;
      edgeOf[k++] = e;
    }
    // Two stable counting sorts (by column, then by row) order the entries by (row, column).
    const byCol = countingOrder(cols, numNodes, null);
    const order = countingOrder(rows, numNodes, byCol);
    const rowPtr = new Int32Array(numNodes + 1);
    const colIdx = new Int32Array(entries);
    const values = new Float64Array(entries);
    const firstEdge = new Int32Array(entries);
    let out = 0;
    let lastR = -1;
    let lastC = -1;
    for (let i = 0; i < entries; i++) {
      const q = order[i];
      const r = rows[q];
      const c = cols[q];
      const e = edgeOf[q];
      const weight = w ? w[e] : 1;
      if (r === lastR && c === lastC) {
        // the same (row, column) again: a repeated edge, or for undirected graphs its mirror
        if (duplicates === 'error') {
          throw new GraphError(
            op,
            `edge ${e} (${src[e]}, ${dst[e]}) repeats edge ${firstEdge[out - 1]} (${src[firstEdge[out - 1]]}, ${dst[firstEdge[out - 1]]}); pass duplicates: 'merge' or 'sum' to allow it`,
          );
        }
        if (duplicates === 'sum') values[out - 1] += weight;
        else if (e < firstEdge[out - 1]) {
          values[out - 1] = weight;
          firstEdge[out - 1] = e;
        }
        continue;
      }
      colIdx[out] = c;
      values[out] = weight;
      firstEdge[out] = e;
      rowPtr[r + 1]++;
      out++;
      lastR = r;
      lastC = c;
    }
    for (let r = 0; r < numNodes; r++) rowPtr[r + 1] += rowPtr[r];
    return new Graph(numNodes, rowPtr, colIdx.slice(0, out), values.slice(0, out), directed, w !== undefined);
  }

  /** Number of stored CSR entries (undirected edges count twice, self-loops once). */
  get nnz(): number {
    return this.colIdx.length;
  }

  /** Number of self-loops. */
  get numSelfLoops(): number {
    return this.#memo('selfLoops', () => {
      let s = 0;
      for (let r = 0; r < this.numNodes; r++) for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) if (this.colIdx[p] === r) s++;
      return s;
    });
  }

  /** Number of distinct edges after merging (an undirected edge counts once). */
  get numEdges(): number {
    return this.directed ? this.nnz : (this.nnz - this.numSelfLoops) / 2 + this.numSelfLoops;
  }

  /**
   * The neighbours of node `u` (out-neighbours when directed), ascending; a view, not a copy.
   * @example
   * ```ts
   * Array.from(Graph.fromEdges(3, [[0, 1], [0, 2]]).neighbors(0)); // [1, 2]
   * ```
   */
  neighbors(u: number): Int32Array {
    this.#checkNode('Graph.neighbors', 'u', u);
    return this.colIdx.subarray(this.rowPtr[u], this.rowPtr[u + 1]);
  }

  /**
   * The weight of edge u→v, or 0 when there is none (binary search in row u).
   * @example
   * ```ts
   * Graph.fromEdges(2, [[0, 1]]).weight(1, 0); // 1
   * ```
   */
  weight(u: number, v: number): number {
    const p = this.#find('Graph.weight', u, v);
    return p < 0 ? 0 : this.values[p];
  }

  /**
   * Whether edge u→v exists.
   * @example
   * ```ts
   * Graph.fromEdges(3, [[0, 1]]).hasEdge(0, 2); // false
   * ```
   */
  hasEdge(u: number, v: number): boolean {
    return this.#find('Graph.hasEdge', u, v) >= 0;
  }

  /**
   * Weighted degrees d_i = Σ_j A[i][j] (out-degrees when directed; a self-loop counts once).
   * @example
   * ```ts
   * Array.from(Graph.fromEdges(3, [[0, 1], [0, 2]]).degrees()); // [2, 1, 1]
   * ```
   */
  degrees(): Float64Array {
    return this.#memo('degrees', () => {
      const d = new Float64Array(this.numNodes);
      for (let r = 0; r < this.numNodes; r++) for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) d[r] += this.values[p];
      return d;
    }).slice();
  }

  /**
   * The edges as [src, dst, weight] triples (each undirected edge once, with src ≤ dst).
   * @example
   * ```ts
   * [...Graph.fromEdges(3, [[2, 1]]).edges()]; // [[1, 2, 1]]
   * ```
   */
  *edges(): IterableIterator<[number, number, number]> {
    for (let r = 0; r < this.numNodes; r++) {
      for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) {
        const c = this.colIdx[p];
        if (this.directed || r <= c) yield [r, c, this.values[p]];
      }
    }
  }

  /**
   * The adjacency matrix as a CsrMatrix [n, n], optionally with `selfLoopWeight` added to
   * the diagonal (1 gives Ã = A + I; an existing self-loop then gets 2, as in the reference
   * code). Cached per option value.
   * @example
   * ```ts
   * Graph.fromEdges(2, [[0, 1]]).adjacency({ selfLoopWeight: 1 }).toDenseArray(); // [[1, 1], [1, 1]]
   * ```
   */
  adjacency(options: AdjacencyOptions = {}): CsrMatrix {
    const s = options.selfLoopWeight ?? 0;
    if (!Number.isFinite(s)) throw new ValueError('Graph.adjacency', `argument 'selfLoopWeight' expected a finite number, got ${s}`);
    return this.#memo(`adjacency:${s}`, () => {
      const { rowPtr, colIdx, values } = s === 0 ? this : this.#withDiagonal(s);
      return new CsrMatrix(this.numNodes, this.numNodes, rowPtr, colIdx, values, { symmetric: !this.directed });
    });
  }

  /**
   * The GCN propagation matrix with the renormalisation trick, Â = D̃^−1/2 (A + I) D̃^−1/2
   * with D̃_ii = Σ_j (A + I)_ij, as a CsrMatrix [n, n], computed once per graph and cached.
   * For directed graphs D̃ holds out-degrees (row sums), so row i averages over the
   * out-neighbours of i.
   * @example
   * ```ts
   * Graph.fromEdges(2, [[0, 1]]).normalizedAdjacency().toDenseArray(); // [[0.5, 0.5], [0.5, 0.5]]
   * ```
   */
  normalizedAdjacency(): CsrMatrix {
    return this.#memo('normalizedAdjacency', () => {
      const { rowPtr, colIdx, values } = this.#withDiagonal(1);
      const d = new Float64Array(this.numNodes);
      for (let r = 0; r < this.numNodes; r++) for (let p = rowPtr[r]; p < rowPtr[r + 1]; p++) d[r] += values[p];
      const inv = d.map((x) => (x > 0 ? 1 / Math.sqrt(x) : 0));
      const out = new Float64Array(values.length);
      for (let r = 0; r < this.numNodes; r++) for (let p = rowPtr[r]; p < rowPtr[r + 1]; p++) out[p] = inv[r] * values[p] * inv[colIdx[p]];
      return new CsrMatrix(this.numNodes, this.numNodes, rowPtr, colIdx, out, { symmetric: !this.directed });
    });
  }

  /**
   * The adjacency as nested arrays (small graphs and tests).
   * @example
   * ```ts
   * Graph.fromEdges(2, [[0, 1]]).toDenseArray(); // [[0, 1], [1, 0]]
   * ```
   */
  toDenseArray(): number[][] {
    const out = Array.from({ length: this.numNodes }, () => new Array<number>(this.numNodes).fill(0));
    for (let r = 0; r < this.numNodes; r++)
      for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) out[r][this.colIdx[p]] = this.values[p];
    return out;
  }

  /** @internal Memoises derived matrices on the (immutable) graph. */
  #memo<T>(key: string, make: () => T): T {
    if (!this.#cache.has(key)) this.#cache.set(key, make());
    return this.#cache.get(key) as T;
  }

  #checkNode(op: string, name: string, u: number): void {
    if (!(Number.isInteger(u) && u >= 0 && u < this.numNodes))
      throw new NodeIdError(op, `argument '${name}' is ${u}, expected an integer node id in [0, ${this.numNodes})`);
  }

  /** The CSR position of entry (u, v), or −1 (binary search in row u). */
  #find(op: string, u: number, v: number): number {
    this.#checkNode(op, 'u', u);
    this.#checkNode(op, 'v', v);
    let lo = this.rowPtr[u];
    let hi = this.rowPtr[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.colIdx[mid];
      if (c === v) return mid;
      if (c < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** CSR of A + s·I (the diagonal entry inserted in column order, or added to an existing loop). */
  #withDiagonal(s: number): { rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array } {
    const n = this.numNodes;
    const rowPtr = new Int32Array(n + 1);
    const colIdx = new Int32Array(this.nnz + n);
    const values = new Float64Array(this.nnz + n);
    let out = 0;
    for (let r = 0; r < n; r++) {
      let placed = false;
      for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) {
        const c = this.colIdx[p];
        if (!placed && c >= r) {
          placed = true;
          if (c === r) {
            colIdx[out] = r;
            values[out++] = this.values[p] + s;
            continue;
          }
          colIdx[out] = r;
          values[out++] = s;
        }
        colIdx[out] = c;
        values[out++] = this.values[p];
      }
      if (!placed) {
        colIdx[out] = r;
        values[out++] = s;
      }
      rowPtr[r + 1] = out;
    }
    return { rowPtr, colIdx: colIdx.slice(0, out), values: values.slice(0, out) };
  }
}

/** A stable counting-sort order of entries by `keys` in [0, range), applied on top of `prior` (or the identity). */
function countingOrder(keys: Int32Array, range: number, prior: Int32Array | null): Int32Array {
  const n = keys.length;
  const start = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) start[keys[i] + 1]++;
  for (let k = 0; k < range; k++) start[k + 1] += start[k];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const q = prior ? prior[i] : i;
    order[start[keys[q]]++] = q;
  }
  return order;
}
