import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.js';
import { loadEdgeList, loadKarate, parseEdgeList } from './edge-list.js';
import { loadPlanetoidText, parsePlanetoid } from './planetoid.js';
import { dataDir } from '../test/data-dir.js';

const tinyMeta = JSON.stringify({ name: 'tiny', nodes: 3, features: 4, classes: 2, edges: 2, feature_nnz: 3 });
const tiny = {
  meta: tinyMeta,
  edges: '0 1\n1 2\n',
  labels: '0\n1\n-1\n',
  split: '{"train":[0],"val":[1],"test":[]}',
  features: '0 0:1 3:1\n1 2:0.5\n2\n',
};

describe('parsePlanetoid', () => {
  it('parses the text format', () => {
    const d = parsePlanetoid(tiny);
    expect(d.graph.numEdges).toBe(2);
    expect(d.features!.toDenseArray()).toEqual([
      [1, 0, 0, 1],
      [0, 0, 0.5, 0],
      [0, 0, 0, 0],
    ]);
    expect(Array.from(d.labels)).toEqual([0, 1, -1]);
    expect(Array.from(d.split.train)).toEqual([0]);
    expect(d.numClasses).toBe(2);
  });

  it('names the file and line of a malformed line', () => {
    const bad = (patch: Partial<typeof tiny>, message: RegExp) => {
      expect(() => parsePlanetoid({ ...tiny, ...patch })).toThrow(DataFormatError);
      expect(() => parsePlanetoid({ ...tiny, ...patch })).toThrow(message);
    };
    bad({ edges: '0 1\n1 x\n' }, /edges.txt line 2: expected node id/);
    bad({ edges: '0 1\n1 3\n' }, /edges.txt line 2: node id 3 is out of range \[0, 3\)/);
    bad({ edges: '0 1\n1 2 3\n' }, /edges.txt line 2: expected 'src dst'/);
    bad({ edges: '0 1\n' }, /edges.txt has 1 lines, meta.json says 2 edges/);
    bad({ edges: '0 1\n0 1\n' }, /repeats edge/);
    bad({ labels: '0\n2\n0\n' }, /labels.txt line 2: class id 2 is out of range \[-1, 1\]/);
    bad({ features: '0 0:1 3:1\n1 2:abc\n2\n' }, /features.txt line 2: expected feature value/);
    bad({ features: '0 3:1 0:1\n1 2:1\n2\n' }, /feature ids must ascend/);
    bad({ features: '0 0:1 9:1\n1 2:1\n2\n' }, /feature id 9 is out of range/);
    bad({ features: '0 0:1\n1 2:1\n2\n' }, /2 nonzeros, meta.json says feature_nnz = 3/);
    bad({ features: '0 0:1 3:1\n2 2:1\n2\n' }, /features.txt line 2: expected node id 1, got 2/);
    bad({ split: '{"train":[0],"val":[0],"test":[]}' }, /node 0 appears twice/);
    bad({ split: '{"train":[2],"val":[],"test":[]}' }, /node 2 in 'train' has no label/);
    bad({ split: '{"train":[0]' }, /split.json: invalid JSON/);
  });

  it('checks meta.json before allocating and rejects prototype keys', () => {
    const meta = (m: object) => ({ ...tiny, meta: JSON.stringify({ ...JSON.parse(tinyMeta), ...m }) });
    expect(() => parsePlanetoid(meta({ nodes: -1 }))).toThrow(/'nodes' expected an integer/);
    expect(() => parsePlanetoid(meta({ nodes: 1e15 }))).toThrow(/'nodes' expected an integer/);
    expect(() => parsePlanetoid(meta({ edges: 'many' }))).toThrow(/'edges' expected an integer/);
    expect(() => parsePlanetoid({ ...tiny, meta: '{"__proto__": {"x": 1}, "nodes": 3}' })).toThrow(/key '__proto__' is not allowed/);
  });
});

describe('budgets and finite values (issue 25, items 2 and 9)', () => {
  it('parseEdgeList refuses a 15-byte file that names node 400,000,000 before building anything', () => {
    const t0 = performance.now();
    expect(() => parseEdgeList('0 400000000\n')).toThrow(DataFormatError);
    expect(() => parseEdgeList('0 400000000\n')).toThrow(/node id 400000000 needs 400000001 nodes, more than maxNodes = 16777216/);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(() => parseEdgeList('0 2000000000\n')).toThrow(DataFormatError); // was an untyped RangeError
    expect(() => parseEdgeList('0 1\n', { numNodes: 1e9 })).toThrow(/'numNodes' expected an integer in \[0, maxNodes = 16777216\]/);
    expect(parseEdgeList('0 99\n', { maxNodes: 100 }).numNodes).toBe(100);
  });

  it('parsePlanetoid checks labels.txt and features.txt against meta.json before allocating the graph', () => {
    const huge = { ...tiny, meta: JSON.stringify({ ...JSON.parse(tinyMeta), nodes: 2 ** 26, edges: 2 }) };
    const t0 = performance.now();
    expect(() => parsePlanetoid(huge)).toThrow(/labels.txt has 3 lines, meta.json says 67108864 nodes/);
    expect(performance.now() - t0).toBeLessThan(500);
    const nnz = { ...tiny, meta: JSON.stringify({ ...JSON.parse(tinyMeta), feature_nnz: 2 ** 27 }) };
    expect(() => parsePlanetoid(nnz)).toThrow(/feature_nnz = 134217728 cannot fit/);
  });

  it('refuses feature values and weights beyond the float64 range instead of storing Infinity', () => {
    expect(() => parsePlanetoid({ ...tiny, features: '0 0:1e400 3:1\n1 2:0.5\n2\n' })).toThrow(
      /features.txt line 1: feature value '1e400' is beyond the float64 range/,
    );
    expect(() => parseEdgeList('0 1 1e400\n')).toThrow(/weight '1e400' is beyond the float64 range/);
  });
});

describe('parseEdgeList', () => {
  it('reads comments, weights and node counts', () => {
    const g = parseEdgeList('# comment\n0 1 2.5\n\n1 3 1\n');
    expect(g.numNodes).toBe(4);
    expect(g.weight(1, 0)).toBe(2.5);
    expect(parseEdgeList('0 1\n', { numNodes: 10, directed: true }).hasEdge(1, 0)).toBe(false);
  });

  it('throws DataFormatError with the line', () => {
    expect(() => parseEdgeList('0 1\n0 x\n')).toThrow(/line 2: expected node id/);
    expect(() => parseEdgeList('0 1\n0 5\n', { numNodes: 3 })).toThrow(/line 2: node id 5 is out of range \[0, 3\)/);
    expect(() => parseEdgeList('0 1 1\n1 2\n')).toThrow(/1 of 2 edges have a weight/);
    expect(() => parseEdgeList('0 1 -2\n')).toThrow(/negative/);
    expect(() => parseEdgeList('0\n')).toThrow(DataFormatError);
  });
});

describe('dataset files (LEC_DATA_DIR)', () => {
  const dir = dataDir('the Planetoid and karate loader checks');

  it.skipIf(!dir)('loads Cora: 2708 x 1433, 5278 edges, the standard split', () => {
    const d = loadPlanetoidText(dir!, 'cora');
    expect(d.features!.rows).toBe(2708);
    expect(d.features!.cols).toBe(1433);
    expect(d.features!.nnz).toBe(49216);
    expect(d.graph.numEdges).toBe(5278);
    expect(d.graph.nnz).toBe(10556);
    expect(Math.max(...d.graph.degrees())).toBe(168);
    const counts = new Array(7).fill(0);
    for (const l of d.labels) counts[l]++;
    expect(counts).toEqual([351, 217, 418, 818, 426, 298, 180]);
    expect([d.split.train.length, d.split.val.length, d.split.test.length]).toEqual([140, 500, 1000]);
  });

  it.skipIf(!dir)('loads Citeseer (15 unlabelled nodes, all-zero rows) and can restore its self-loops', () => {
    const d = loadPlanetoidText(dir!, 'citeseer');
    expect(d.labels.filter((l) => l < 0).length).toBe(15);
    let empty = 0;
    for (let r = 0; r < d.features!.rows; r++) if (d.features!.rowPtr[r + 1] === d.features!.rowPtr[r]) empty++;
    expect(empty).toBe(15);
    expect(d.graph.numEdges).toBe(4552);
    expect(loadPlanetoidText(dir!, 'citeseer', { restoreSelfLoops: true }).graph.numSelfLoops).toBe(124);
  });

  it.skipIf(!dir)('loads the Pubmed graph and labels and says the features are missing', () => {
    const d = loadPlanetoidText(dir!, 'pubmed');
    expect(d.features).toBeNull();
    expect(d.numFeatures).toBe(500);
    expect(d.graph.numEdges).toBe(44324);
    expect(d.notes.join(' ')).toMatch(/features.txt is not provided/);
  });

  it.skipIf(!dir)('loads the karate club (34 nodes, 78 edges, weights summing to 231)', () => {
    const k = loadKarate();
    expect(k.graph.numNodes).toBe(34);
    expect(k.graph.numEdges).toBe(78);
    const deg = k.graph.degrees();
    expect([deg[0], deg[33], deg[32]]).toEqual([16, 17, 12]);
    expect(k.labels.reduce((s, v) => s + v, 0)).toBe(17);
    expect(k.classNames).toEqual(['Mr. Hi', 'Officer']);
    const w = loadKarate({ weighted: true }).graph;
    expect([...w.edges()].reduce((s, [, , x]) => s + x, 0)).toBe(231);
    expect(loadEdgeList(`${dir}/karate/edges.txt`).numEdges).toBe(78);
  });

  it.skipIf(!dir)('refuses a missing dataset or a file whose size disagrees with meta.json', () => {
    expect(() => loadPlanetoidText(`${dir}/nowhere`, 'cora')).toThrow(/no 'cora' dataset/);
    expect(() => loadPlanetoidText(dir!, 'nell' as 'cora')).toThrow(/expected 'cora', 'citeseer' or 'pubmed'/);
  });
});
