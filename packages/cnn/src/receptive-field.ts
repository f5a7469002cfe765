import { ValueError } from '@lec/tensor';

/** One layer as the receptive-field arithmetic sees it (conv or pooling). */
export interface FieldLayer {
  /** Kernel (window) size along the axis. */
  kernel: number;
  /** Default 1. */
  stride?: number;
  /** Default 1. */
  dilation?: number;
  /** Padding before the first input along the axis. Default 0. */
  padding?: number;
  name?: string;
}

/** The receptive field after a layer, along one axis, in input pixels. */
export interface FieldInfo {
  name: string;
  /** How many input pixels one output unit sees. */
  size: number;
  /** Distance in input pixels between neighbouring output units (the product of strides). */
  jump: number;
  /** Input coordinate of the centre of the first output unit's field (pixel centres at 0, 1, ...). */
  start: number;
}

/**
 * receptiveField(layers): size, jump and start of the receptive field after each layer
 * (one spatial axis). With k_eff = (k − 1)·d + 1: size' = size + (k_eff − 1)·jump,
 * jump' = jump·stride, start' = start + ((k_eff − 1)/2 − padding)·jump. Two stacked 3×3
 * convolutions see 5×5; three see 7×7 (with fewer weights than one 7×7).
 * @example
 * ```ts
 * receptiveField([{ kernel: 3 }, { kernel: 3 }]).at(-1)!.size; // 5
 * receptiveField([{ kernel: 5 }, { kernel: 2, stride: 2 }, { kernel: 5 }, { kernel: 2, stride: 2 }]).at(-1)!.size; // 16
 * ```
 */
export function receptiveField(layers: readonly FieldLayer[]): FieldInfo[] {
  let size = 1;
  let jump = 1;
  let start = 0;
  return layers.map((layer, i) => {
    const { kernel, stride = 1, dilation = 1, padding = 0 } = layer;
    for (const [arg, v] of Object.entries({ kernel, stride, dilation })) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new ValueError('receptiveField', `layer ${i}: '${arg}' expected a positive integer, got ${v}`);
    }
    if (!Number.isSafeInteger(padding) || padding < 0)
      throw new ValueError('receptiveField', `layer ${i}: 'padding' expected a non-negative integer, got ${padding}`);
    const effective = (kernel - 1) * dilation + 1;
    start += ((effective - 1) / 2 - padding) * jump;
    size += (effective - 1) * jump;
    jump *= stride;
    return { name: layer.name ?? `layer${i}`, size, jump, start };
  });
}
