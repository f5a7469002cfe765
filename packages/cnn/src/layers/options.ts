import { type DType, Rng, ValueError } from '@lec/tensor';

/** Options every layer with parameters takes (as in @lec/nn). */
export interface CnnLayerOptions {
  seed?: number;
  rng?: Rng;
  /** float32 (default) or float64 (gradient checks). */
  dtype?: DType;
}

/** @internal The layer's generator: `rng`, else one from `seed`, else the global one. */
export function rngOf(options: CnnLayerOptions): Rng | undefined {
  return options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : undefined);
}

/** @internal A kernel size / stride given as one number or [height, width]. */
export function pairOf(op: string, arg: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isSafeInteger(x) && x >= 1))
    throw new ValueError(op, `argument '${arg}' expected positive integers, got ${JSON.stringify(v)}`);
  return p;
}
