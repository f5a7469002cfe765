/**
 * Geometry of a 2-D convolution in lec's layouts: images NHWC [batch, height, width,
 * channels], filters [filterHeight, filterWidth, inChannels, outChannels].
 *
 * One type goes from @lec/tensor to the kernel: the ops resolve a `Conv2dGeometry` (every
 * field explicit), the wasm backend hands it to the kernels as it is, and
 * `conv2dGeometryBlock` writes its fields into the Int32 block the AssemblyScript kernels read,
 * in the order `CONV2D_GEOMETRY_BLOCK` gives (checked against the `G_*` offsets of assembly/
 * by src/assembly-drift.test.ts). `Conv2dShape` is a shorter way to write one by hand
 * (tuples, defaults, no output size), for tests and direct kernel calls.
 */
import type { Conv2dGeometry } from '@lec/tensor';

/** A conv2d geometry written by hand: tuples for strides, dilations and pads, each with a default. */
export interface Conv2dShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  /** [strideHeight, strideWidth], default [1, 1]. */
  strides?: readonly [number, number];
  /** [dilationHeight, dilationWidth], default [1, 1]. */
  dilations?: readonly [number, number];
  /** Explicit zero padding [top, left, bottom, right], default [0, 0, 0, 0]. */
  pads?: readonly [number, number, number, number];
}

/** A checked geometry with the output size worked out: @lec/tensor's `Conv2dGeometry`. */
export type ResolvedConv2dShape = Conv2dGeometry;

/** Output length along one axis: ⌊(in + padBefore + padAfter − ((k−1)·d + 1)) / s⌋ + 1, or 0. */
export function conv2dOutputSize(
  input: number,
  filter: number,
  stride: number,
  dilation: number,
  padBefore: number,
  padAfter: number,
): number {
  const room = input + padBefore + padAfter - ((filter - 1) * dilation + 1);
  return room < 0 ? 0 : Math.floor(room / stride) + 1;
}

/**
 * Fills defaults, checks every field and computes the output size.
 * @throws RangeError naming the op and the field when a value is not allowed
 * @example
 * ```ts
 * const shape = { batch: 1, inHeight: 5, inWidth: 5, inChannels: 1, filterHeight: 3, filterWidth: 3, outChannels: 2 };
 * resolveConv2dShape({ ...shape, pads: [1, 1, 1, 1] }).outHeight; // 5
 * resolveConv2dShape(shape).outHeight; // 3 (no padding)
 * ```
 */
export function resolveConv2dShape(shape: Conv2dShape | Conv2dGeometry, op = 'conv2d'): Conv2dGeometry {
  const g = 'strideHeight' in shape ? shape : fromShape(shape);
  const counts = {
    batch: g.batch,
    inHeight: g.inHeight,
    inWidth: g.inWidth,
    inChannels: g.inChannels,
    filterHeight: g.filterHeight,
    filterWidth: g.filterWidth,
    outChannels: g.outChannels,
    padTop: g.padTop,
    padLeft: g.padLeft,
    padBottom: g.padBottom,
    padRight: g.padRight,
  };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
  for (const [name, value] of Object.entries({
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    dilationHeight: g.dilationHeight,
    dilationWidth: g.dilationWidth,
  })) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
    }
  }
  if (g.filterHeight < 1 || g.filterWidth < 1) {
    throw new RangeError(`${op}: filter must be at least 1×1, got ${g.filterHeight}×${g.filterWidth}`);
  }
  const outHeight = conv2dOutputSize(g.inHeight, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop, g.padBottom);
  const outWidth = conv2dOutputSize(g.inWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft, g.padRight);
  if ('outHeight' in shape && (shape.outHeight !== outHeight || shape.outWidth !== outWidth)) {
    throw new RangeError(`${op}: output ${shape.outHeight}×${shape.outWidth} does not match the geometry (${outHeight}×${outWidth})`);
  }
  return { ...g, outHeight, outWidth };
}

/** The explicit fields of a hand-written shape (defaults filled in). */
function fromShape(shape: Conv2dShape): Omit<Conv2dGeometry, 'outHeight' | 'outWidth'> {
  const [strideHeight, strideWidth] = shape.strides ?? [1, 1];
  const [dilationHeight, dilationWidth] = shape.dilations ?? [1, 1];
  const [padTop, padLeft, padBottom, padRight] = shape.pads ?? [0, 0, 0, 0];
  return {
    batch: shape.batch,
    inHeight: shape.inHeight,
    inWidth: shape.inWidth,
    inChannels: shape.inChannels,
    filterHeight: shape.filterHeight,
    filterWidth: shape.filterWidth,
    outChannels: shape.outChannels,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padLeft,
    padBottom,
    padRight,
  };
}

/**
 * The Int32 geometry block the wasm conv kernels read: each slot's `Conv2dGeometry` field and
 * the `G_*` offset constant assembly/ reads it with, in slot order.
 */
export const CONV2D_GEOMETRY_BLOCK = [
  ['batch', 'G_BATCH'],
  ['inHeight', 'G_IN_H'],
  ['inWidth', 'G_IN_W'],
  ['inChannels', 'G_IN_C'],
  ['filterHeight', 'G_FILTER_H'],
  ['filterWidth', 'G_FILTER_W'],
  ['outChannels', 'G_OUT_C'],
  ['strideHeight', 'G_STRIDE_H'],
  ['strideWidth', 'G_STRIDE_W'],
  ['dilationHeight', 'G_DILATION_H'],
  ['dilationWidth', 'G_DILATION_W'],
  ['padTop', 'G_PAD_TOP'],
  ['padLeft', 'G_PAD_LEFT'],
  ['padBottom', 'G_PAD_BOTTOM'],
  ['padRight', 'G_PAD_RIGHT'],
  ['outHeight', 'G_OUT_H'],
  ['outWidth', 'G_OUT_W'],
] as const satisfies readonly (readonly [keyof Conv2dGeometry, `G_${string}`])[];

/** Every field of Conv2dGeometry has a slot (a compile error names the one missing). */
const everyFieldHasASlot: Record<Exclude<keyof Conv2dGeometry, (typeof CONV2D_GEOMETRY_BLOCK)[number][0]>, never> = {};
void everyFieldHasASlot;

/**
 * The geometry block the wasm conv kernels read (slot order: `CONV2D_GEOMETRY_BLOCK`).
 * @example
 * ```ts
 * const g = resolveConv2dShape({ batch: 1, inHeight: 5, inWidth: 5, inChannels: 1, filterHeight: 3, filterWidth: 3, outChannels: 2 });
 * conv2dGeometryBlock(g).length; // 17
 * ```
 */
export function conv2dGeometryBlock(g: Conv2dGeometry): Int32Array {
  return Int32Array.from(CONV2D_GEOMETRY_BLOCK, ([field]) => g[field]);
}
