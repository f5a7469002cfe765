import { type DType, Rng, type Tensor, ValueError, concat } from '@lec/tensor';
import { glorotUniform, orthogonal } from '@lec/nn';

/** Options every cell takes. */
export interface CellOptions {
  seed?: number;
  rng?: Rng;
  /** float32 (default) or float64 (gradient checks). */
  dtype?: DType;
}

/** @internal The cell's generator. */
export function cellRng(options: CellOptions): Rng {
  return options.rng ?? new Rng(options.seed ?? 0);
}

/** @internal Input weights [in, gates·H]: Glorot uniform per gate block. */
export function inputWeights(inputSize: number, hidden: number, gates: number, rng: Rng, dtype: DType): Tensor {
  const blocks = Array.from({ length: gates }, () => glorotUniform()([inputSize, hidden], { rng, dtype }));
  return gates === 1 ? blocks[0] : concat(blocks, 1);
}

/** @internal Recurrent weights [H, gates·H]: an orthogonal matrix per gate block (keeps the recurrence's spectrum at 1 at the start). */
export function recurrentWeights(hidden: number, gates: number, rng: Rng, dtype: DType): Tensor {
  const blocks = Array.from({ length: gates }, () => orthogonal()([hidden, hidden], { rng, dtype }));
  return gates === 1 ? blocks[0] : concat(blocks, 1);
}

/** @internal Every size a recurrent layer takes must be a positive integer: a ValueError naming it otherwise. */
export function checkSizes(op: string, sizes: Readonly<Record<string, number>>): void {
  for (const [arg, v] of Object.entries(sizes))
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(op, `argument '${arg}' expected a positive integer, got ${v}`);
}
