/** End-to-end runs on the real datasets (skipped with a printed reason without LEC_DATA_DIR). */
import { describe, expect, it } from 'vitest';
import { jsBackend, withBackend } from '@lec/tensor';
import { loadKarate, loadPlanetoidText, rowNormalize, trainGCN, trainKarate } from '../src/index.js';
import { dataDir } from './data-dir.js';

const dir = dataDir('the Cora and karate training runs');

describe('datasets', () => {
  it('karate: with only nodes 0 and 33 labelled the GCN separates the factions, and exports a 2-D embedding', () => {
    const club = loadKarate();
    const r = trainKarate(club, { seed: 0 });
    expect(r.accuracy).toBeGreaterThanOrEqual(30 / 32);
    expect(r.coordinates).toHaveLength(34);
    expect(r.coordinates.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
    // the two labelled leaders end up on opposite sides of the embedding
    const [a, b] = [r.coordinates[0], r.coordinates[33]];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(0.5);
  });

  it.skipIf(!dir)(
    'Cora, standard split, one seed: Kipf & Welling reach about 81 % test accuracy',
    () =>
      withBackend(jsBackend(), () => {
        const d = loadPlanetoidText(dir!, 'cora');
        const r = trainGCN({ graph: d.graph, features: rowNormalize(d.features!), labels: d.labels, split: d.split, seed: 0 });
        console.log(
          `cora seed 0: test ${(100 * r.testAccuracy!).toFixed(1)} %, ${r.epochs} epochs, ${r.meanStepMs.toFixed(1)} ms per training step`,
        );
        expect(r.testAccuracy!).toBeGreaterThan(0.79);
        expect(r.history[r.epochs - 1].valAccuracy!).toBeGreaterThan(0.76);
      }),
    60_000,
  );
});
