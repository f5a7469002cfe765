/**
 * Edge-list text files (`src dst [weight]` per line; blank lines and lines starting with
 * `#` or `%` are skipped) and Zachary's karate club (shipped in @lec/datasets).
 *
 * Budget: the node count (`numNodes`, or the largest id + 1) must be at most `maxNodes`
 * (default 2^24 = 16,777,216 nodes, about 200 MB for the graph's arrays); it is checked
 * before the graph is built, so a 15-byte file naming node 400,000,000 is refused at once.
 */
import { karateClub } from '@lec/datasets';
import { DataFormatError } from './errors.js';
import { Graph, type DuplicatePolicy } from './graph.js';
import { lines, parseIndex, parseNumber, readText } from './io.js';

/** Options of `parseEdgeList` / `loadEdgeList`. */
export interface EdgeListOptions {
  /** Number of nodes (default: the largest id + 1). Ids must be below it. */
  numNodes?: number;
  directed?: boolean;
  /** Read a third column as the weight: true requires it, false forbids it, 'auto' (default) takes it when every line has one. */
  weighted?: boolean | 'auto';
  /** Repeated edges (see GraphOptions; default 'merge'). */
  duplicates?: DuplicatePolicy;
  /** The most nodes the graph may have (default `EDGE_LIST_MAX_NODES`, 2^24). */
  maxNodes?: number;
}

/** The default node budget of `parseEdgeList`. */
export const EDGE_LIST_MAX_NODES = 1 << 24;
const MAX_ID = 0x7ffffffe;

/**
 * Parses an edge list from text into a Graph.
 * @example
 * ```ts
 * const g = parseEdgeList('# a triangle\n0 1\n1 2\n0 2\n');
 * g.numEdges; // 3
 * ```
 */
export function parseEdgeList(text: string, options: EdgeListOptions = {}, file = 'edge list'): Graph {
  const op = 'parseEdgeList';
  const maxNodes = options.maxNodes ?? EDGE_LIST_MAX_NODES;
  if (!Number.isSafeInteger(maxNodes) || maxNodes < 0 || maxNodes > MAX_ID + 1)
    throw new DataFormatError(op, `option 'maxNodes' expected an integer in [0, ${MAX_ID + 1}], got ${maxNodes}`);
  if (options.numNodes !== undefined && !(Number.isSafeInteger(options.numNodes) && options.numNodes >= 0 && options.numNodes <= maxNodes))
    throw new DataFormatError(op, `option 'numNodes' expected an integer in [0, maxNodes = ${maxNodes}], got ${options.numNodes}`);
  const limit = options.numNodes ?? MAX_ID + 1;
  const rows = lines(text);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  let withWeight = 0;
  rows.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line[0] === '#' || line[0] === '%') return;
    const t = line.split(/\s+/);
    if (t.length < 2 || t.length > 3)
      throw new DataFormatError(op, `${file} line ${i + 1}: expected 'src dst' or 'src dst weight', got '${line.slice(0, 60)}'`);
    if (t.length === 3 && options.weighted === false)
      throw new DataFormatError(op, `${file} line ${i + 1}: unexpected third column (weighted: false)`);
    if (t.length === 2 && options.weighted === true)
      throw new DataFormatError(op, `${file} line ${i + 1}: missing the weight column (weighted: true)`);
    src.push(parseIndex(op, file, i + 1, t[0], 'node id', limit));
    dst.push(parseIndex(op, file, i + 1, t[1], 'node id', limit));
    if (t.length === 3) {
      const w = parseNumber(op, file, i + 1, t[2], 'weight');
      if (w < 0) throw new DataFormatError(op, `${file} line ${i + 1}: weight ${w} is negative`);
      weights.push(w);
      withWeight++;
    } else weights.push(1);
  });
  if (withWeight > 0 && withWeight < src.length)
    throw new DataFormatError(op, `${file}: ${withWeight} of ${src.length} edges have a weight; give all or none`);
  let n = options.numNodes;
  if (n === undefined) {
    n = 0;
    for (let e = 0; e < src.length; e++) n = Math.max(n, src[e] + 1, dst[e] + 1);
    if (n > maxNodes)
      throw new DataFormatError(
        op,
        `${file}: node id ${n - 1} needs ${n} nodes, more than maxNodes = ${maxNodes} (pass numNodes / maxNodes to allow a larger graph)`,
      );
  }
  return Graph.fromArrays(n, src, dst, {
    directed: options.directed,
    duplicates: options.duplicates,
    weights: withWeight > 0 ? weights : undefined,
  });
}

/**
 * Loads an edge-list file (Node only). See `parseEdgeList` for the format.
 * @example
 * ```ts
 * const g = loadEdgeList(`${process.env.LEC_DATA_DIR}/karate/edges.txt`);
 * g.numNodes; // 34
 * ```
 */
export function loadEdgeList(path: string, options: EdgeListOptions = {}): Graph {
  return parseEdgeList(readText('loadEdgeList', path), options, path);
}

/** Zachary's karate club. */
export interface KarateClub {
  /** 34 nodes, 78 undirected edges (weighted by interaction counts when asked). */
  graph: Graph;
  /** Faction per node: 0 = Mr. Hi (node 0), 1 = Officer (node 33). */
  labels: Int32Array;
  classNames: string[];
}

/**
 * Zachary's karate club, from the copy shipped inside @lec/datasets (no files, no download;
 * works in a browser). `weighted: true` uses the interaction counts (1..7, sum 231).
 * @example
 * ```ts
 * const { graph, labels } = loadKarate();
 * graph.numEdges; // 78
 * labels[33]; // 1
 * ```
 */
export function loadKarate(options: { weighted?: boolean } = {}): KarateClub {
  const k = karateClub();
  const graph = Graph.fromArrays(k.numNodes, k.edges.src, k.edges.dst, {
    duplicates: 'error',
    weights: options.weighted ? Array.from(k.edges.weight) : undefined,
  });
  return { graph, labels: k.labels, classNames: [...k.classNames] };
}
