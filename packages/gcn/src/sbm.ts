/**
 * Stochastic block model: nodes are split into blocks of the given sizes (block 0 gets ids
 * 0 .. sizes[0] − 1, and so on); each unordered pair {i, j}, i ≠ j, is an edge independently
 * with probability pIn when both ends share a block and pOut otherwise.
 *
 * Sampling is O(n + m), not O(n²): within each block pair the gaps between successive edges
 * of a Bernoulli(p) sequence are geometric, so we jump straight from one edge to the next
 * with skip = ⌊log(u) / log(1 − p)⌋ (Batagelj & Brandes 2005).
 */
import { Rng, ValueError } from '@lec/tensor';
import { Graph } from './graph.js';

/** Options of `sbm`. */
export interface SbmOptions {
  /** Block sizes (positive integers). */
  sizes: readonly number[];
  /** Edge probability inside a block. */
  pIn: number;
  /** Edge probability between blocks. */
  pOut: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/** What `sbm` returns. */
export interface SbmGraph {
  graph: Graph;
  /** The block of every node. */
  labels: Int32Array;
}

/**
 * Samples an undirected stochastic block model graph (no self-loops, no repeated edges).
 * @example
 * ```ts
 * const { graph, labels } = sbm({ sizes: [50, 50], pIn: 0.2, pOut: 0.01, seed: 1 });
 * graph.numNodes; // 100
 * labels[75]; // 1
 * ```
 */
export function sbm(options: SbmOptions): SbmGraph {
  const op = 'sbm';
  const { sizes, pIn, pOut } = options;
  if (!Array.isArray(sizes) || sizes.length === 0)
    throw new ValueError(op, `argument 'sizes' expected a non-empty array of block sizes, got ${JSON.stringify(sizes)}`);
  sizes.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s <= 0) throw new ValueError(op, `argument 'sizes' expected positive integers, got ${s} at ${i}`);
  });
  for (const [name, p] of [
    ['pIn', pIn],
    ['pOut', pOut],
  ] as const) {
    if (!(p >= 0 && p <= 1)) throw new ValueError(op, `argument '${name}' expected a probability in [0, 1], got ${p}`);
  }
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n > 0x7fffffff) throw new ValueError(op, `${n} nodes exceed 2^31 − 1`);
  const rng = new Rng(options.seed ?? 0);
  const starts: number[] = [];
  let acc = 0;
  for (const s of sizes) {
    starts.push(acc);
    acc += s;
  }
  const labels = new Int32Array(n);
  sizes.forEach((s, b) => labels.fill(b, starts[b], starts[b] + s));
  const src: number[] = [];
  const dst: number[] = [];
  // u in (0, 1], 53 bits
  const unit = () => ((rng.nextUint32() >>> 5) * 67108864 + (rng.nextUint32() >>> 6) + 1) * 2 ** -53;
  /** Visits the indices in [0, total) that are "heads" of a Bernoulli(p) sequence. */
  const heads = (total: number, p: number, emit: (idx: number) => void) => {
    if (p === 0 || total === 0) return;
    if (total > Number.MAX_SAFE_INTEGER) throw new ValueError(op, `a block pair has ${total} node pairs, more than 2^53 can index exactly`);
    const logQ = Math.log1p(-p);
    let idx = -1;
    for (;;) {
      idx += p === 1 ? 1 : 1 + Math.floor(Math.log(unit()) / logQ);
      if (idx >= total) return;
      emit(idx);
    }
  };
  for (let a = 0; a < sizes.length; a++) {
    const sa = sizes[a];
    const oa = starts[a];
    // pairs inside block a, enumerated row by row: row r holds (r, r+1) .. (r, sa−1)
    let r = 0;
    let rowStart = 0;
    heads((sa * (sa - 1)) / 2, pIn, (idx) => {
      while (idx >= rowStart + (sa - 1 - r)) {
        rowStart += sa - 1 - r;
        r++;
      }
      src.push(oa + r);
      dst.push(oa + r + 1 + (idx - rowStart));
    });
    for (let b = a + 1; b < sizes.length; b++) {
      const sb = sizes[b];
      const ob = starts[b];
      heads(sa * sb, pOut, (idx) => {
        const i = Math.floor(idx / sb);
        src.push(oa + i);
        dst.push(ob + (idx - i * sb));
      });
    }
  }
  return { graph: Graph.fromArrays(n, src, dst, { duplicates: 'error' }), labels };
}
