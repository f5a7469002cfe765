/**
 * The Planetoid citation graphs from their original files (Yang et al. 2016, as Kipf &
 * Welling's GCN repository ships them): `ind.<name>.{x,y,tx,ty,allx,ally,graph}` (Python 2
 * pickles, read with the restricted unpickler) and `ind.<name>.test.index` (text), assembled
 * exactly as Kipf's `utils.load_data` does:
 *
 * - features = vstack(allx, tx), labels = vstack(ally, ty), then the rows of tx/ty are moved
 *   to the node ids listed in test.index (`features[test_idx_reorder] = features[sorted]`);
 * - Citeseer's test ids have gaps (isolated nodes without features): the rows for the missing
 *   ids are zero features and no label (−1 here; a zero one-hot row there);
 * - train = the first len(y) nodes (140 Cora, 120 Citeseer, 60 PubMed), val = the next 500,
 *   test = the test.index ids sorted;
 * - the graph is the dict of adjacency lists made undirected (networkx from_dict_of_lists):
 *   each edge once (src < dst), self-loops listed apart.
 *
 * Budget and cross-checks, all before the node arrays are allocated: each pickle must hold
 * the type it should (CSR for x/tx/allx, a 2-D ndarray for y/ty/ally, a dict of lists for
 * graph); rows of x/y, tx/ty/test.index and allx/ally must agree, as must the feature and
 * class counts; test ids must be distinct integers from len(allx) on, with at most as many
 * gaps as ids (Citeseer: 1000 ids over 1015 rows); features must be finite; graph ids must
 * be nodes.
 */
import { CsrMatrix } from '@lec/tensor';
import { DatasetFormatError } from './errors.js';
import { type CsrArrays, type NdArray, type PickleValue, PyDict, unpickle } from './pickle.js';

/** The eight files of a Planetoid dataset, by suffix (`x`, ..., `test.index`). */
export type PlanetoidFiles = Record<(typeof PLANETOID_SUFFIXES)[number], Uint8Array>;

/** The file suffixes, in the order Kipf's loader reads them. */
export const PLANETOID_SUFFIXES = ['x', 'y', 'tx', 'ty', 'allx', 'ally', 'graph', 'test.index'] as const;

/** A Planetoid dataset as Kipf & Welling's loader builds it. */
export interface PlanetoidData {
  name: string;
  numNodes: number;
  numFeatures: number;
  numClasses: number;
  /** Raw (not normalised) features [nodes, features], CSR. */
  features: CsrMatrix;
  /** Class per node; −1 for a node without a label (Citeseer's 15 isolated test-range nodes). */
  labels: Int32Array;
  /** Each undirected edge once, src < dst, sorted by (src, dst); self-loops are in `selfLoops`. */
  edges: { src: Int32Array; dst: Int32Array };
  /** Nodes whose adjacency list names themselves (Citeseer 124, PubMed 3), ascending. */
  selfLoops: number[];
  /** The standard split: node ids, ascending. */
  split: { train: Int32Array; val: Int32Array; test: Int32Array };
}

const OP = 'parsePlanetoidFiles';

/**
 * Builds a Planetoid dataset from the bytes of its eight original files (browser or Node).
 * @example
 * ```ts
 * const d = parsePlanetoidFiles('tiny', tinyPlanetoidFiles());
 * [d.numNodes, d.split.train.length, d.split.val.length, d.split.test.length]; // [514, 2, 500, 3]
 * ```
 */
export function parsePlanetoidFiles(name: string, files: PlanetoidFiles): PlanetoidData {
  const file = (suffix: string) => `ind.${name}.${suffix}`;
  const read = (suffix: (typeof PLANETOID_SUFFIXES)[number]): PickleValue => {
    const bytes = files[suffix];
    if (!(bytes instanceof Uint8Array)) throw new DatasetFormatError(OP, `${file(suffix)}: missing`);
    return unpickle(bytes, file(suffix));
  };
  const csr = (suffix: 'x' | 'tx' | 'allx'): CsrArrays => {
    const v = read(suffix);
    if (!v || typeof v !== 'object' || (v as CsrArrays).kind !== 'csr')
      throw new DatasetFormatError(OP, `${file(suffix)}: expected a scipy.sparse csr_matrix, got ${describe(v)}`);
    return v as CsrArrays;
  };
  const dense = (suffix: 'y' | 'ty' | 'ally'): NdArray => {
    const v = read(suffix);
    if (!v || typeof v !== 'object' || (v as NdArray).kind !== 'ndarray' || (v as NdArray).shape.length !== 2)
      throw new DatasetFormatError(OP, `${file(suffix)}: expected a 2-D numpy array of one-hot labels, got ${describe(v)}`);
    return v as NdArray;
  };
  const [x, y, tx, ty, allx, ally] = [csr('x'), dense('y'), csr('tx'), dense('ty'), csr('allx'), dense('ally')];
  const graph = read('graph');
  if (!(graph instanceof PyDict))
    throw new DatasetFormatError(OP, `${file('graph')}: expected a dict of adjacency lists, got ${describe(graph)}`);
  const testIds = parseTestIndex(files['test.index'], file('test.index'));

  // cross-checks before anything of node size is allocated
  const f = allx.shape[1];
  const c = ally.shape[1];
  const agree = (what: string, a: number, b: number) => {
    if (a !== b) throw new DatasetFormatError(OP, `ind.${name}: ${what} disagree (${a} vs ${b})`);
  };
  agree('the feature counts of x, tx and allx', x.shape[1], f);
  agree('the feature counts of tx and allx', tx.shape[1], f);
  agree('the class counts of y and ally', y.shape[1], c);
  agree('the class counts of ty and ally', ty.shape[1], c);
  agree('the rows of x and y', x.shape[0], y.shape[0]);
  agree('the rows of tx and ty', tx.shape[0], ty.shape[0]);
  agree('the rows of allx and ally', allx.shape[0], ally.shape[0]);
  agree('the rows of tx and the ids in test.index', tx.shape[0], testIds.length);
  const base = allx.shape[0];
  if (y.shape[0] + 500 > base)
    throw new DatasetFormatError(OP, `ind.${name}: len(y) + 500 validation nodes = ${y.shape[0] + 500} exceeds the ${base} rows of allx`);
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  for (const id of testIds) {
    lo = Math.min(lo, id);
    hi = Math.max(hi, id);
  }
  if (testIds.length > 0 && lo !== base)
    throw new DatasetFormatError(OP, `${file('test.index')}: the smallest test id is ${lo}, expected len(allx) = ${base}`);
  const span = testIds.length > 0 ? hi - lo + 1 : 0;
  if (span > 2 * testIds.length)
    throw new DatasetFormatError(OP, `${file('test.index')}: ${testIds.length} ids spread over ${span} rows (more gaps than ids)`);
  const n = base + span;

  // features: allx rows, then tx row j at node testIds[j]; rows of missing ids stay empty
  const rowOf = new Int32Array(n).fill(-1); // node → tx row
  testIds.forEach((id, j) => {
    if (rowOf[id] !== -1) throw new DatasetFormatError(OP, `${file('test.index')}: id ${id} appears twice`);
    rowOf[id] = j;
  });
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const len = i < base ? allx.indptr[i + 1] - allx.indptr[i] : rowOf[i] >= 0 ? tx.indptr[rowOf[i] + 1] - tx.indptr[rowOf[i]] : 0;
    rowPtr[i + 1] = rowPtr[i] + len;
  }
  const nnz = rowPtr[n];
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < n; i++) {
    const [src, r] = i < base ? [allx, i] : [tx, rowOf[i]];
    if (r < 0) continue;
    const from = src.indptr[r];
    const len = src.indptr[r + 1] - from;
    // scipy keeps indices unsorted only when has_sorted_indices is false: sort each row
    const order = Array.from({ length: len }, (_, k) => from + k).sort((a, b) => src.indices[a] - src.indices[b]);
    order.forEach((p, k) => {
      const v = src.data[p];
      if (!Number.isFinite(v)) throw new DatasetFormatError(OP, `ind.${name}: feature (${i}, ${src.indices[p]}) is ${v}, not finite`);
      colIdx[rowPtr[i] + k] = src.indices[p];
      values[rowPtr[i] + k] = v;
    });
  }
  const features = new CsrMatrix(n, f, rowPtr, colIdx, values);

  const labels = new Int32Array(n).fill(-1);
  const label = (a: NdArray, r: number, suffix: string) => {
    let best = -1;
    let max = 0;
    for (let k = 0; k < c; k++) {
      const v = a.data[r * c + k];
      if (!Number.isFinite(v) || v < 0) throw new DatasetFormatError(OP, `${file(suffix)}: row ${r} has ${v}, not a one-hot value`);
      if (v > max) [best, max] = [k, v];
    }
    return best;
  };
  for (let i = 0; i < base; i++) labels[i] = label(ally, i, 'ally');
  testIds.forEach((id, j) => {
    labels[id] = label(ty, j, 'ty');
  });

  const { src, dst, selfLoops } = undirectedEdges(graph, n, file('graph'));
  const sortedTest = Int32Array.from(testIds).sort();
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, k) => from + k);
  return {
    name,
    numNodes: n,
    numFeatures: f,
    numClasses: c,
    features,
    labels,
    edges: { src, dst },
    selfLoops,
    split: { train: range(0, y.shape[0]), val: range(y.shape[0], y.shape[0] + 500), test: sortedTest },
  };
}

/** The most ids test.index may list. */
export const MAX_TEST_IDS = 1 << 22;

function parseTestIndex(bytes: Uint8Array | undefined, file: string): number[] {
  if (!(bytes instanceof Uint8Array)) throw new DatasetFormatError(OP, `${file}: missing`);
  const ids: number[] = [];
  let line = 1;
  let value = -1;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i] : 10;
    if (b === 10 || b === 13) {
      if (value >= 0) {
        if (ids.length >= MAX_TEST_IDS) throw new DatasetFormatError(OP, `${file}: more than ${MAX_TEST_IDS} ids`);
        ids.push(value);
      }
      value = -1;
      if (b === 10) line++;
    } else if (b >= 48 && b <= 57) {
      value = (value < 0 ? 0 : value * 10) + (b - 48);
      if (value >= 2 ** 31) throw new DatasetFormatError(OP, `${file} line ${line}: id beyond 2^31`);
    } else throw new DatasetFormatError(OP, `${file} line ${line}: expected a node id, got byte 0x${b.toString(16)}`);
  }
  return ids;
}

function undirectedEdges(graph: PyDict, n: number, file: string) {
  const node = (v: unknown, where: string): number => {
    if (!(Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < n))
      throw new DatasetFormatError(OP, `${file}: ${where} ${JSON.stringify(v)} is not a node id in [0, ${n})`);
    return v as number;
  };
  let total = 0;
  for (const [k, list] of graph) {
    node(k, 'key');
    if (!Array.isArray(list)) throw new DatasetFormatError(OP, `${file}: the value of key ${k} is not a list`);
    total += list.length;
  }
  const pairs = new Float64Array(total); // u * n + v with u < v: exact below 2^53
  const loops = new Set<number>();
  let m = 0;
  for (const [k, list] of graph) {
    const u = k as number;
    for (const w of list as PickleValue[]) {
      const v = node(w, `neighbour of ${u}:`);
      if (u === v) loops.add(u);
      else pairs[m++] = Math.min(u, v) * n + Math.max(u, v);
    }
  }
  const sorted = pairs.subarray(0, m).sort();
  let unique = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i];
  const src = new Int32Array(unique);
  const dst = new Int32Array(unique);
  for (let i = 0; i < unique; i++) {
    src[i] = Math.floor(sorted[i] / n);
    dst[i] = sorted[i] - src[i] * n;
  }
  return { src, dst, selfLoops: [...loops].sort((a, b) => a - b) };
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyDict) return 'a dict';
  if (typeof v === 'object') return (v as { kind?: string }).kind ?? 'an object';
  return typeof v;
}
