import { type DType, Rng } from '@lec/tensor';

/** Options every layer with parameters takes: where its random numbers come from and its dtype. */
export interface LayerOptions {
  /** Seed for the layer's own generator (reproducible initialisation). */
  seed?: number;
  /** A generator to draw from (advances it); wins over `seed`. */
  rng?: Rng;
  /** Parameter dtype: float32 (default) or float64 (gradient checks). */
  dtype?: DType;
}

/** @internal The generator of a layer: `rng`, else a new one from `seed`, else the global one. */
export function layerRng(options: LayerOptions): Rng | undefined {
  return options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : undefined);
}
