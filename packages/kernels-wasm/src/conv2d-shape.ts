/**
 * Geometry of a 2-D convolution in lec's layouts: images NHWC [batch, height, width,
 * channels], filters [filterHeight, filterWidth, inChannels, outChannels].
 */
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

/** A Conv2dShape with every default filled in and the output size worked out. */
export interface ResolvedConv2dShape extends Required<Conv2dShape> {
  outHeight: number;
  outWidth: number;
}

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
export function resolveConv2dShape(shape: Conv2dShape, op = 'conv2d'): ResolvedConv2dShape {
  const strides = shape.strides ?? [1, 1];
  const dilations = shape.dilations ?? [1, 1];
  const pads = shape.pads ?? [0, 0, 0, 0];
  const counts = {
    batch: shape.batch,
    inHeight: shape.inHeight,
    inWidth: shape.inWidth,
    inChannels: shape.inChannels,
    filterHeight: shape.filterHeight,
    filterWidth: shape.filterWidth,
    outChannels: shape.outChannels,
    padTop: pads[0],
    padLeft: pads[1],
    padBottom: pads[2],
    padRight: pads[3],
  };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
  for (const [name, value] of Object.entries({
    strideHeight: strides[0],
    strideWidth: strides[1],
    dilationHeight: dilations[0],
    dilationWidth: dilations[1],
  })) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
    }
  }
  if (shape.filterHeight < 1 || shape.filterWidth < 1) {
    throw new RangeError(`${op}: filter must be at least 1×1, got ${shape.filterHeight}×${shape.filterWidth}`);
  }
  return {
    ...shape,
    strides,
    dilations,
    pads,
    outHeight: conv2dOutputSize(shape.inHeight, shape.filterHeight, strides[0], dilations[0], pads[0], pads[2]),
    outWidth: conv2dOutputSize(shape.inWidth, shape.filterWidth, strides[1], dilations[1], pads[1], pads[3]),
  };
}

/** The 17-int geometry block the wasm conv kernels read (order fixed by assembly/conv2d-f32-nhwc.ts). */
export function conv2dGeometryBlock(s: ResolvedConv2dShape): Int32Array {
  return Int32Array.of(
    s.batch,
    s.inHeight,
    s.inWidth,
    s.inChannels,
    s.filterHeight,
    s.filterWidth,
    s.outChannels,
    s.strides[0],
    s.strides[1],
    s.dilations[0],
    s.dilations[1],
    s.pads[0],
    s.pads[1],
    s.pads[2],
    s.pads[3],
    s.outHeight,
    s.outWidth,
  );
}
