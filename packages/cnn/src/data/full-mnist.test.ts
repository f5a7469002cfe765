/** loadMnist / loadFashionMnist with `full: true` read the standard IDX files through @lec/datasets. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DownloadError } from '@lec/datasets';
import { describe, expect, it } from 'vitest';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadMnist } from './mnist.js';

// @lec/datasets' committed fixtures: the four IDX files in the standard format, 6 train / 4 test images
const fixtures = fileURLToPath(new URL('../../../datasets/fixtures', import.meta.url));
const digests = (dataset: string) =>
  Object.fromEntries(
    readdirSync(join(fixtures, dataset)).map((n) => [
      n,
      {
        sha256: createHash('sha256')
          .update(readFileSync(join(fixtures, dataset, n)))
          .digest('hex'),
      },
    ]),
  );

describe('full: true', () => {
  it('loadMnist reads the standard split from the cache, and takes the first trainSize/testSize', async () => {
    const all = await loadMnist({ full: true, root: fixtures, download: false, expected: digests('mnist') });
    expect([all.train.images.shape, all.test.images.shape]).toEqual([
      [6, 28, 28, 1],
      [4, 28, 28, 1],
    ]);
    const some = await loadMnist({ full: true, root: fixtures, download: false, expected: digests('mnist'), trainSize: 2, testSize: 1 });
    expect(some.train.labels.toArray()).toEqual((all.train.labels.toArray() as number[]).slice(0, 2));
    await expect(loadMnist({ full: true, root: fixtures, download: false, expected: digests('mnist'), trainSize: 7 })).rejects.toThrow(
      /trainSize expected an integer in \[0, 6\]/,
    );
  });

  it('loadFashionMnist too; without the files and download: false it says where to put them', async () => {
    const d = await loadFashionMnist({ full: true, root: fixtures, download: false, expected: digests('fashion-mnist') });
    expect(d.classes[9]).toBe('Ankle boot');
    expect(d.train.images.shape).toEqual([6, 28, 28, 1]);
    await expect(loadMnist({ full: true, root: join(fixtures, 'nowhere'), download: false })).rejects.toThrow(DownloadError);
  });
});
