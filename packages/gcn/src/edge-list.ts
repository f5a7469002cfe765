/**
 * Edge-list text files (`src dst [weight]` per line; blank lines and lines starting with
 * `#` or `%` are skipped) and Zachary's karate club (shared/datasets/karate).
 */
import { DataFormatError } from './errors.js';
import { Graph, type DuplicatePolicy } from './graph.js';
import { countLines, exists, joinPath, lines, metaCount, parseIndex, parseIntIn, parseJson, parseNumber, readText } from './io.js';
import { asObject } from './planetoid.js';

/** Options of `parseEdgeList` / `loadEdgeList`. */
export interface EdgeListOptions {
  /** Number of nodes (default: the largest id + 1). Ids must be below it. */
  numNodes?: number;
  directed?: boolean;
  /** Read a third column as the weight: true requires it, false forbids it, 'auto' (default) takes it when every line has one. */
  weighted?: boolean | 'auto';
  /** Repeated edges (see GraphOptions; default 'merge'). */
  duplicates?: DuplicatePolicy;
}

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
 * Loads the karate club from `dataDir` (the shared datasets root holding `karate/`, or the
 * karate folder itself). `weighted: true` reads edge_weights.txt (1..7, aligned with
 * edges.txt). Counts are checked against meta.json.
 * @example
 * ```ts
 * const { graph, labels } = loadKarate(process.env.LEC_DATA_DIR!);
 * graph.numEdges; // 78
 * labels[33]; // 1
 * ```
 */
export function loadKarate(dataDir: string, options: { weighted?: boolean } = {}): KarateClub {
  const op = 'loadKarate';
  const dir = [joinPath(op, dataDir, 'karate'), dataDir].find(
    (d) => exists(op, joinPath(op, d, 'edges.txt')) && exists(op, joinPath(op, d, 'meta.json')),
  );
  if (!dir) throw new DataFormatError(op, `no karate dataset (edges.txt + meta.json) under '${dataDir}'`);
  const meta = asObject(op, 'meta.json', parseJson(op, 'meta.json', readText(op, joinPath(op, dir, 'meta.json'))));
  const n = metaCount(op, meta, 'nodes', 1 << 20);
  const m = metaCount(op, meta, 'edges', 1 << 24);
  const c = metaCount(op, meta, 'classes', 1 << 10);
  const edgesText = readText(op, joinPath(op, dir, 'edges.txt'));
  if (countLines(edgesText) !== m) throw new DataFormatError(op, `edges.txt has ${countLines(edgesText)} lines, meta.json says ${m} edges`);
  let weightText = '';
  if (options.weighted) {
    weightText = readText(op, joinPath(op, dir, 'edge_weights.txt'));
    if (countLines(weightText) !== m)
      throw new DataFormatError(op, `edge_weights.txt has ${countLines(weightText)} lines, meta.json says ${m} edges`);
  }
  const w = lines(weightText);
  const withWeights = options.weighted
    ? lines(edgesText)
        .map((l, i) => `${l} ${w[i]}`)
        .join('\n')
    : edgesText;
  const graph = parseEdgeList(withWeights, { numNodes: n, weighted: options.weighted ?? false, duplicates: 'error' }, 'karate/edges.txt');
  const labelsText = readText(op, joinPath(op, dir, 'labels.txt'));
  if (countLines(labelsText) !== n)
    throw new DataFormatError(op, `labels.txt has ${countLines(labelsText)} lines, meta.json says ${n} nodes`);
  const labels = Int32Array.from(lines(labelsText), (l, i) => parseIntIn(op, 'labels.txt', i + 1, l, 'faction', 0, c - 1));
  const names =
    Array.isArray(meta.class_names) && meta.class_names.every((s) => typeof s === 'string')
      ? (meta.class_names as string[])
      : Array.from({ length: c }, (_, i) => `class ${i}`);
  return { graph, labels, classNames: names };
}
