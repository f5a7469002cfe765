/**
 * The original Planetoid files (shared/datasets/planetoid-original, served by a local HTTP
 * server on 127.0.0.1 as a mirror, downloaded into a fresh cache through @lec/datasets) give
 * exactly the graphs, features, labels and splits of the text copies (loadPlanetoidText over
 * shared/datasets/planetoid). Skipped with a printed reason when the folders are absent.
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanetoidDataset, loadPlanetoid, loadPlanetoidText } from '../src/index.js';
import { dataDir } from './data-dir.js';

const dir = dataDir('the original-files comparison');
const original = dir && existsSync(join(dir, 'planetoid-original', 'ind.cora.x')) ? join(dir, 'planetoid-original') : null;
if (dir && !original) console.log(`skipping the original-files comparison: no planetoid-original/ under ${dir}`);

let url = '';
let close = () => {};
beforeAll(async () => {
  if (!original) return;
  const server = createServer((req, res) => {
    try {
      const body = readFileSync(
        join(
          original,
          decodeURIComponent(req.url ?? '')
            .replace(/^\//, '')
            .replace(/\//g, '_'),
        ),
      );
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  close = () => server.close();
});
afterAll(() => close());

function same(a: PlanetoidDataset, b: PlanetoidDataset) {
  const g = (d: PlanetoidDataset) => {
    const csr = d.graph.adjacency();
    return [d.graph.numNodes, d.graph.numEdges, Array.from(csr.rowPtr), Array.from(csr.colIdx), Array.from(csr.values)];
  };
  expect(g(a)).toEqual(g(b));
  const f = (d: PlanetoidDataset) => [
    d.features!.rows,
    d.features!.cols,
    Array.from(d.features!.rowPtr),
    Array.from(d.features!.colIdx),
    Array.from(d.features!.values),
  ];
  expect(f(a)).toEqual(f(b));
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect([a.numClasses, a.numFeatures]).toEqual([b.numClasses, b.numFeatures]);
  for (const part of ['train', 'val', 'test'] as const) expect(Array.from(a.split[part])).toEqual(Array.from(b.split[part]));
  expect(a.selfLoopsRemoved).toEqual(b.selfLoopsRemoved);
}

describe.skipIf(!original)('original ind.* files through a local mirror = the text copies', () => {
  const root = mkdtempSync(join(tmpdir(), 'lec-gcn-planetoid-'));
  const options = { root, mirrors: [url], retries: 1, progressBar: false };
  for (const name of ['cora', 'citeseer'] as const) {
    it(`${name}: identical graph, features, labels, split and self-loops (with and without restoring them)`, async () => {
      const fromOriginal = await loadPlanetoid(name, { ...options, mirrors: [url] });
      same(fromOriginal, loadPlanetoidText(dir!, name));
      same(
        await loadPlanetoid(name, { ...options, mirrors: [url], restoreSelfLoops: true }),
        loadPlanetoidText(dir!, name, { restoreSelfLoops: true }),
      );
    }, 60_000);
  }
});
