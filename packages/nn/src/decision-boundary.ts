/**
 * The decision regions of a 2-input classifier on a grid, for plotting: evaluate the model at
 * resolution × resolution points spanning xRange × yRange.
 */
import { type Tensor, ValueError, argmax, noGrad, tensor, tidy } from '@lec/tensor';
import { predict } from './fit.js';
import type { Module } from './module.js';

/** The grid `decisionBoundary` returns: values[j][i] is the prediction at (xs[i], ys[j]). */
export interface DecisionGrid {
  xs: number[];
  ys: number[];
  values: number[][];
}

/**
 * Evaluates a model with 2 inputs on a grid. A single output column is returned as it is
 * (a score or 0/1); several columns give the argmax class.
 * @example
 * ```ts
 * const grid = decisionBoundary(new Perceptron(2), { xRange: [0, 1], yRange: [0, 1], resolution: 3 });
 * grid.values.length; // 3 (rows: ys)
 * grid.values[0].length; // 3 (columns: xs)
 * ```
 */
export function decisionBoundary(
  model: Module<Tensor, Tensor>,
  options: { xRange: readonly [number, number]; yRange: readonly [number, number]; resolution?: number },
): DecisionGrid {
  const resolution = options.resolution ?? 50;
  if (!Number.isSafeInteger(resolution) || resolution < 2 || resolution > 4096)
    throw new ValueError('decisionBoundary', `argument 'resolution' expected an integer in [2, 4096], got ${resolution}`);
  const axis = ([lo, hi]: readonly [number, number]) =>
    Array.from({ length: resolution }, (_, i) => lo + ((hi - lo) * i) / (resolution - 1));
  const xs = axis(options.xRange);
  const ys = axis(options.yRange);
  const points = new Float32Array(resolution * resolution * 2);
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      points[2 * (j * resolution + i)] = xs[i];
      points[2 * (j * resolution + i) + 1] = ys[j];
    }
  }
  const flat = tidy(() =>
    noGrad(() => {
      const out = predict(model, tensor(points, [resolution * resolution, 2], { dtype: model.parameters()[0]?.value.dtype ?? 'float32' }), {
        batchSize: 4096,
      });
      const single = out.rank === 1 || out.shape[out.rank - 1] === 1;
      return Array.from(single ? out.dataSync() : argmax(out, -1).dataSync());
    }),
  );
  const values = Array.from({ length: resolution }, (_, j) => flat.slice(j * resolution, (j + 1) * resolution));
  return { xs, ys, values };
}
