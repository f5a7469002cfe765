import { type FetchOptions, fetchFiles } from './fetch.js';
import { PLANETOID_SUFFIXES, type PlanetoidData, type PlanetoidFiles, parsePlanetoidFiles } from './planetoid.js';
import { planetoidFile } from './sources.js';
import { DatasetError } from './errors.js';

/** The Planetoid citation graphs. */
export type PlanetoidName = 'cora' | 'citeseer' | 'pubmed';

/**
 * Cora, Citeseer or PubMed from the original `ind.<name>.*` files, cached in
 * `<root>/planetoid-original/` (so LEC_DATA_DIR=shared/datasets finds the shared copies) or
 * downloaded from the Planetoid/GCN repositories, and assembled with Kipf & Welling's split
 * (see `parsePlanetoidFiles`). Cora and Citeseer are checked against stored SHA-256s.
 * @example
 * ```ts
 * // const cora = await planetoid('cora'); // downloads once into ~/.cache/lec/planetoid-original
 * // cora.numNodes === 2708, cora.split.train.length === 140
 * await planetoid('cora', { root: emptyDir, download: false }); // throws DownloadError
 * ```
 */
export async function planetoid(name: PlanetoidName, options: FetchOptions = {}): Promise<PlanetoidData> {
  if (name !== 'cora' && name !== 'citeseer' && name !== 'pubmed')
    throw new DatasetError('planetoid', `argument 'name' expected 'cora', 'citeseer' or 'pubmed', got '${String(name)}'`);
  const bytes = await fetchFiles(
    'planetoid-original',
    PLANETOID_SUFFIXES.map((s) => planetoidFile(name, s)),
    options,
  );
  const files = Object.fromEntries(PLANETOID_SUFFIXES.map((s, i) => [s, bytes[i]])) as PlanetoidFiles;
  return parsePlanetoidFiles(name, files);
}
