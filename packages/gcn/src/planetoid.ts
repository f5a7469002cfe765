/**
 * Loaders for the Planetoid citation graphs (Cora, Citeseer, Pubmed):
 *
 * - `loadPlanetoid(name)`: the original `ind.<name>.*` files through @lec/datasets (fetched,
 *   verified and cached; Kipf & Welling's split), made into a `Graph`.
 * - `loadPlanetoidText(dir, name)` / `parsePlanetoid(files)`: the plain-text form described in
 *   shared/datasets/planetoid/README.md: features.txt (`node feat:value ...`, raw values),
 *   labels.txt (one class per line, −1 = unlabelled), edges.txt (`src dst`, each undirected
 *   edge once), split.json and meta.json. Budget: the line counts of every file are checked
 *   against meta.json's counts (nodes ≤ 2^26, features ≤ 2^24, edges and nonzeros ≤ 2^28)
 *   before any array is allocated; feature values must be finite; a malformed line raises a
 *   DataFormatError naming the file and line.
 */
import { type FetchOptions, planetoid } from '@lec/datasets';
import { CsrMatrix } from '@lec/tensor';
import { DataFormatError, GraphError } from './errors.js';
import { Graph } from './graph.js';
import { countLines, exists, joinPath, lines, metaCount, parseIndex, parseIntIn, parseJson, parseNumber, readText } from './io.js';

/** The Planetoid datasets. */
export type PlanetoidName = 'cora' | 'citeseer' | 'pubmed';

/** Node ids of the standard Planetoid split, ascending. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/** A loaded Planetoid dataset. */
export interface PlanetoidDataset {
  name: string;
  /** The undirected citation graph (edges.txt; self-loops as the options say). */
  graph: Graph;
  /**
   * Raw sparse features [nodes, features] (binary for cora/citeseer), not normalised, or
   * null when the dataset ships none (Pubmed: `features_available: false`).
   */
  features: CsrMatrix | null;
  /** Class per node, −1 for unlabelled nodes (15 in citeseer). */
  labels: Int32Array;
  numClasses: number;
  /** Feature dimension from meta.json (also when the features themselves are missing). */
  numFeatures: number;
  split: Split;
  /** Self-loops of the original graph dict that edges.txt leaves out (meta.json). */
  selfLoopsRemoved: number[];
  /** Things a user must know, e.g. that Pubmed has no features. */
  notes: string[];
}

/** Options of `loadPlanetoid` / `parsePlanetoid`. */
export interface PlanetoidOptions {
  /**
   * Put meta.json's `self_loops_removed` back as diagonal 1s (then A + I has 2 there), to
   * copy the reference TF code bit for bit. Affects citeseer (124 nodes) and pubmed (3).
   * Default false: the simple graph of edges.txt, as the paper states.
   */
  restoreSelfLoops?: boolean;
}

/** The raw file contents `parsePlanetoid` takes (`features` absent when not shipped). */
export interface PlanetoidFiles {
  meta: string;
  edges: string;
  labels: string;
  split: string;
  features?: string;
}

const MAX_NODES = 1 << 26;
const MAX_FEATURES = 1 << 24;
const MAX_EDGES = 1 << 28;

/**
 * Loads Cora, Citeseer or Pubmed from the original Planetoid files with @lec/datasets
 * (`planetoid`): cached under `root` / LEC_DATA_DIR / ~/.cache/lec (`planetoid-original/`),
 * downloaded when missing unless `download: false`, verified, and assembled with Kipf &
 * Welling's split (140/500/1000 for Cora). Node only. Self-loops of the original graph dict
 * (Citeseer 124, Pubmed 3) are left out unless `restoreSelfLoops`, as in `loadPlanetoidText`.
 * Offline and not cached, it throws @lec/datasets' `DownloadError` naming the URLs tried and
 * where to put the files.
 * @example
 * ```ts
 * await loadPlanetoid('cora', { root: emptyDir, download: false }); // throws DownloadError
 * ```
 */
export async function loadPlanetoid(name: PlanetoidName, options: PlanetoidOptions & FetchOptions = {}): Promise<PlanetoidDataset> {
  const op = 'loadPlanetoid';
  if (name !== 'cora' && name !== 'citeseer' && name !== 'pubmed')
    throw new DataFormatError(op, `argument 'name' expected 'cora', 'citeseer' or 'pubmed', got '${String(name)}'`);
  const d = await planetoid(name, options);
  const loops = options.restoreSelfLoops ? d.selfLoops : [];
  const m = d.edges.src.length;
  const src = new Int32Array(m + loops.length);
  const dst = new Int32Array(m + loops.length);
  src.set(d.edges.src);
  dst.set(d.edges.dst);
  loops.forEach((v, k) => {
    src[m + k] = dst[m + k] = v;
  });
  return {
    name,
    graph: Graph.fromArrays(d.numNodes, src, dst, { duplicates: 'error' }),
    features: d.features,
    labels: d.labels,
    numClasses: d.numClasses,
    numFeatures: d.numFeatures,
    split: d.split,
    selfLoopsRemoved: d.selfLoops,
    notes: [],
  };
}

/**
 * Loads a Planetoid dataset in the plain-text form from `dataDir`: the shared datasets root
 * (holding `planetoid/<name>/`), the planetoid folder, or the dataset folder itself. Needs
 * Node. File sizes are checked against meta.json before anything is read. Pubmed loads
 * without features (`features: null`, and a note says so).
 * @example
 * ```ts
 * const cora = loadPlanetoidText(process.env.LEC_DATA_DIR!, 'cora');
 * cora.features!.rows; // 2708
 * cora.split.train.length; // 140
 * ```
 */
export function loadPlanetoidText(dataDir: string, name: PlanetoidName, options: PlanetoidOptions = {}): PlanetoidDataset {
  const op = 'loadPlanetoidText';
  if (name !== 'cora' && name !== 'citeseer' && name !== 'pubmed')
    throw new DataFormatError(op, `argument 'name' expected 'cora', 'citeseer' or 'pubmed', got '${String(name)}'`);
  const candidates = [joinPath(op, dataDir, 'planetoid', name), joinPath(op, dataDir, name), dataDir];
  const dir = candidates.find((d) => exists(op, joinPath(op, d, 'meta.json')) && exists(op, joinPath(op, d, 'edges.txt')));
  if (!dir)
    throw new DataFormatError(op, `no '${name}' dataset (meta.json + edges.txt) under '${dataDir}'; looked in ${candidates.join(', ')}`);
  const metaText = readText(op, joinPath(op, dir, 'meta.json'), undefined);
  const meta = asObject(op, 'meta.json', parseJson(op, 'meta.json', metaText));
  const sizes = fileSizes(op, meta);
  const read = (file: string) => readText(op, joinPath(op, dir, file), sizes[file]);
  const featuresAvailable = meta.features_available !== false;
  return parsePlanetoid(
    {
      meta: metaText,
      edges: read('edges.txt'),
      labels: read('labels.txt'),
      split: read('split.json'),
      features: featuresAvailable ? read('features.txt') : undefined,
    },
    options,
  );
}

/**
 * Parses a Planetoid dataset from file contents (works in a browser after `fetch`).
 * @example
 * ```ts
 * const meta = JSON.stringify({ name: 'tiny', nodes: 2, features: 2, classes: 2, edges: 1, feature_nnz: 2 });
 * const d = parsePlanetoid({ meta, edges: '0 1\n', labels: '0\n1\n', split: '{"train":[0],"val":[1],"test":[]}', features: '0 0:1\n1 1:1\n' });
 * d.graph.numEdges; // 1
 * ```
 */
export function parsePlanetoid(files: PlanetoidFiles, options: PlanetoidOptions = {}): PlanetoidDataset {
  const op = 'parsePlanetoid';
  const meta = asObject(op, 'meta.json', parseJson(op, 'meta.json', files.meta));
  const name = typeof meta.name === 'string' ? meta.name : 'planetoid';
  const n = metaCount(op, meta, 'nodes', MAX_NODES);
  const f = metaCount(op, meta, 'features', MAX_FEATURES);
  const c = metaCount(op, meta, 'classes', 1 << 20);
  const m = metaCount(op, meta, 'edges', MAX_EDGES);
  const selfLoopsRemoved = Array.isArray(meta.self_loops_removed) ? meta.self_loops_removed : [];
  selfLoopsRemoved.forEach((v, i) => {
    if (!(Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < n))
      throw new DataFormatError(op, `meta.json: self_loops_removed[${i}] = ${JSON.stringify(v)} is not a node id in [0, ${n})`);
  });
  const notes: string[] = [];

  // every declared count against the data before anything of that size is allocated
  const edgeLines = countLines(files.edges);
  if (edgeLines !== m) throw new DataFormatError(op, `edges.txt has ${edgeLines} lines, meta.json says ${m} edges`);
  const labelLines = countLines(files.labels);
  if (labelLines !== n) throw new DataFormatError(op, `labels.txt has ${labelLines} lines, meta.json says ${n} nodes`);
  if (files.features !== undefined) {
    const featureLines = countLines(files.features);
    if (featureLines !== n) throw new DataFormatError(op, `features.txt has ${featureLines} lines, meta.json says ${n} nodes`);
    const nnz = metaCount(op, meta, 'feature_nnz', MAX_EDGES);
    if (nnz > files.features.length / 4)
      throw new DataFormatError(
        op,
        `meta.json: feature_nnz = ${nnz} cannot fit in the ${files.features.length} characters of features.txt`,
      );
  }

  // edges.txt: exactly `edges` lines `src dst`, src < dst
  const extra = options.restoreSelfLoops ? selfLoopsRemoved.length : 0;
  const src = new Int32Array(m + extra);
  const dst = new Int32Array(m + extra);
  lines(files.edges).forEach((text, i) => {
    const t = text.split(' ');
    if (t.length !== 2) throw new DataFormatError(op, `edges.txt line ${i + 1}: expected 'src dst', got '${text.slice(0, 60)}'`);
    src[i] = parseIndex(op, 'edges.txt', i + 1, t[0], 'node id', n);
    dst[i] = parseIndex(op, 'edges.txt', i + 1, t[1], 'node id', n);
    if (src[i] === dst[i])
      throw new DataFormatError(op, `edges.txt line ${i + 1}: self-loop ${src[i]} (edges.txt has none; they are listed in meta.json)`);
  });
  for (let k = 0; k < extra; k++) src[m + k] = dst[m + k] = selfLoopsRemoved[k] as number;
  let graph: Graph;
  try {
    graph = Graph.fromArrays(n, src, dst, { duplicates: 'error' });
  } catch (e) {
    if (e instanceof GraphError) throw new DataFormatError(op, `edges.txt: ${e.message} (edge k is on line k + 1)`);
    throw e;
  }

  // labels.txt: exactly `nodes` lines, each a class in [−1, classes)
  const labels = new Int32Array(n);
  lines(files.labels).forEach((text, i) => {
    labels[i] = parseIntIn(op, 'labels.txt', i + 1, text, 'class id', -1, c - 1);
  });

  const split = parseSplit(op, files.split, n, labels);

  // features.txt: exactly `nodes` lines `i feat:value ...`, ids ascending, nnz = feature_nnz
  let features: CsrMatrix | null = null;
  if (files.features === undefined) {
    notes.push(
      `${name}: features.txt is not provided (meta.json features_available: ${String(meta.features_available)}); graph, labels and split only, so accuracy cannot be reproduced`,
    );
  } else {
    const nnz = metaCount(op, meta, 'feature_nnz', MAX_EDGES);
    const rowPtr = new Int32Array(n + 1);
    const colIdx = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let p = 0;
    lines(files.features).forEach((text, i) => {
      const t = text.split(' ');
      const id = parseIndex(op, 'features.txt', i + 1, t[0], 'node id', n);
      if (id !== i) throw new DataFormatError(op, `features.txt line ${i + 1}: expected node id ${i}, got ${id}`);
      let last = -1;
      for (let k = 1; k < t.length; k++) {
        const colon = t[k].indexOf(':');
        if (colon < 0) throw new DataFormatError(op, `features.txt line ${i + 1}: expected 'feature:value', got '${t[k].slice(0, 40)}'`);
        const col = parseIndex(op, 'features.txt', i + 1, t[k].slice(0, colon), 'feature id', f);
        if (col <= last) throw new DataFormatError(op, `features.txt line ${i + 1}: feature ids must ascend, got ${col} after ${last}`);
        if (p >= nnz) throw new DataFormatError(op, `features.txt line ${i + 1}: more nonzeros than meta.json's feature_nnz = ${nnz}`);
        colIdx[p] = col;
        values[p++] = parseNumber(op, 'features.txt', i + 1, t[k].slice(colon + 1), 'feature value');
        last = col;
      }
      rowPtr[i + 1] = p;
    });
    if (p !== nnz) throw new DataFormatError(op, `features.txt has ${p} nonzeros, meta.json says feature_nnz = ${nnz}`);
    features = new CsrMatrix(n, f, rowPtr, colIdx, values);
  }
  return { name, graph, features, labels, numClasses: c, numFeatures: f, split, selfLoopsRemoved: selfLoopsRemoved as number[], notes };
}

function parseSplit(op: string, text: string, n: number, labels: Int32Array): Split {
  const obj = asObject(op, 'split.json', parseJson(op, 'split.json', text));
  const seen = new Uint8Array(n);
  const part = (key: 'train' | 'val' | 'test'): Int32Array => {
    const ids = obj[key];
    if (!Array.isArray(ids)) throw new DataFormatError(op, `split.json: '${key}' expected an array of node ids, got ${typeof ids}`);
    if (ids.length > n) throw new DataFormatError(op, `split.json: '${key}' has ${ids.length} ids, more than the ${n} nodes`);
    const out = new Int32Array(ids.length);
    ids.forEach((v, i) => {
      if (!(Number.isSafeInteger(v) && v >= 0 && v < n))
        throw new DataFormatError(op, `split.json: ${key}[${i}] = ${JSON.stringify(v)} is not a node id in [0, ${n})`);
      if (seen[v]) throw new DataFormatError(op, `split.json: node ${v} appears twice (in '${key}' and an earlier list)`);
      if (labels[v] < 0) throw new DataFormatError(op, `split.json: node ${v} in '${key}' has no label`);
      seen[v] = 1;
      out[i] = v;
    });
    return out;
  };
  return { train: part('train'), val: part('val'), test: part('test') };
}

function fileSizes(op: string, meta: Record<string, unknown>): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  const files = meta.files;
  if (files && typeof files === 'object') {
    for (const [file, info] of Object.entries(files as Record<string, unknown>)) {
      const bytes = (info as { bytes?: unknown } | null)?.bytes;
      if (bytes === undefined) continue;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0)
        throw new DataFormatError(op, `meta.json: files['${file}'].bytes expected a non-negative integer, got ${JSON.stringify(bytes)}`);
      out[file] = bytes;
    }
  }
  return out;
}

/** @internal A parsed JSON value that must be a plain object. */
export function asObject(op: string, file: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DataFormatError(op, `${file}: expected a JSON object`);
  return v as Record<string, unknown>;
}
