import type { HasReceptiveWindow, Module } from '@lec/nn';
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
 * The windowed layers of a model (convolutions and pools, anything with `receptiveWindow()`),
 * depth-first in registration order, as `FieldLayer`s along one axis (0 rows, 1 columns).
 * Padding is taken as 0 (it moves `start`, never `size`).
 * @example
 * ```ts
 * fieldLayersOf(lenet5({ seed: 0 })).map((l) => l.kernel); // [5, 2, 5, 2]
 * ```
 */
export function fieldLayersOf(model: Module<any, any>, axis: 0 | 1 = 0): FieldLayer[] {
  if (axis !== 0 && axis !== 1)
    throw new ValueError('fieldLayersOf', `argument 'axis' expected 0 (height) or 1 (width), got ${String(axis)}`);
  if (typeof (model as { children?: unknown } | null)?.children !== 'function')
    throw new ValueError('fieldLayersOf', `argument 'model' expected a Module, got ${model === null ? 'null' : typeof model}`);
  const out: FieldLayer[] = [];
  const walk = (m: Module<any, any>, path: string) => {
    const w = (m as Partial<HasReceptiveWindow>).receptiveWindow?.();
    if (w)
      out.push({
        kernel: w.kernel[axis],
        stride: w.stride[axis],
        dilation: w.dilation?.[axis] ?? 1,
        name: `${path || 'model'} (${m.type})`,
      });
    for (const [name, child] of m.children()) walk(child, path ? `${path}.${name}` : name);
  };
  walk(model, '');
  return out;
}

/**
 * receptiveField(layers): size, jump and start of the receptive field after each layer
 * (one spatial axis). `layers` may be a model: its convolutions and pools are read from it
 * (`fieldLayersOf`), so nothing is typed by hand. With k_eff = (k − 1)·d + 1: size' = size + (k_eff − 1)·jump,
 * jump' = jump·stride, start' = start + ((k_eff − 1)/2 − padding)·jump. Two stacked 3×3
 * convolutions see 5×5; three see 7×7 (with fewer weights than one 7×7).
 * @example
 * ```ts
 * receptiveField([{ kernel: 3 }, { kernel: 3 }]).at(-1)!.size; // 5
 * receptiveField([{ kernel: 5 }, { kernel: 2, stride: 2 }, { kernel: 5 }, { kernel: 2, stride: 2 }]).at(-1)!.size; // 16
 * receptiveField(lenet5({ seed: 0 })).at(-1)!.size; // 16
 * ```
 */
export function receptiveField(layersOrModel: readonly FieldLayer[] | Module<any, any>): FieldInfo[] {
  const layers = Array.isArray(layersOrModel) ? (layersOrModel as readonly FieldLayer[]) : fieldLayersOf(layersOrModel as Module<any, any>);
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
