/**
 * Resolving convolution and pooling options (strides, dilations, 'same'/'valid'/explicit
 * padding) into explicit geometry, and the window index table the composite kernels use.
 */
import type { Conv2dGeometry, Pool2dGeometry } from '../backend/v1.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';

/** Padding: TensorFlow's 'same' (output = ceil(input / stride)) or 'valid' (no padding), or explicit [[top, bottom], [left, right]]. */
export type Padding = 'same' | 'valid' | number | readonly [readonly [number, number], readonly [number, number]];

/** Options shared by conv2d and its relatives. */
export interface Conv2dOptions {
  /** Step between windows: one number or [height, width]. Default 1. */
  strides?: number | readonly [number, number];
  /** Spacing between filter taps: one number or [height, width]. Default 1. */
  dilations?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

function pair(op: string, arg: string, v: number | readonly [number, number] | undefined, fallback: number): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isSafeInteger(x) && x >= 1))
    throw new ValueError(op, `argument '${arg}' expected positive integers, got ${JSON.stringify(v)}`);
  return p;
}

/** Output size and padding along one axis. */
function axis(
  op: string,
  padding: Padding,
  which: 0 | 1,
  input: number,
  k: number,
  stride: number,
  dilation: number,
): { out: number; before: number; after: number } {
  const span = (k - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    const total = Math.max((out - 1) * stride + span - input, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  let before = 0;
  let after = 0;
  if (typeof padding === 'number') before = after = padding;
  else if (padding !== 'valid') [before, after] = padding[which];
  if (padding !== 'valid' && ![before, after].every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new ValueError(
      op,
      `argument 'padding' expected 'same', 'valid', a non-negative integer or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`,
    );
  }
  const out = Math.floor((input + before + after - span) / stride) + 1;
  return { out: Math.max(out, 0), before, after };
}

/** @internal Geometry of conv2d for x [N,H,W,Cin] and w [kh,kw,Cin,Cout]. */
export function conv2dGeometry(op: string, xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions): Conv2dGeometry {
  if (xShape.length !== 4)
    throw new ShapeError(op, `argument 'x' expected rank 4 (NHWC: [batch, height, width, channels]), got shape ${fmtShape(xShape)}`);
  if (wShape.length !== 4)
    throw new ShapeError(op, `argument 'filter' expected rank 4 ([kh, kw, inChannels, outChannels]), got shape ${fmtShape(wShape)}`);
  const [batch, inHeight, inWidth, inChannels] = xShape;
  const [filterHeight, filterWidth, wIn, outChannels] = wShape;
  if (wIn !== inChannels)
    throw new ShapeError(
      op,
      `argument 'filter' ${fmtShape(wShape)} expects ${wIn} input channels but 'x' ${fmtShape(xShape)} has ${inChannels}`,
    );
  const [strideHeight, strideWidth] = pair(op, 'strides', options.strides, 1);
  const [dilationHeight, dilationWidth] = pair(op, 'dilations', options.dilations, 1);
  const padding = options.padding ?? 'valid';
  const h = axis(op, padding, 0, inHeight, filterHeight, strideHeight, dilationHeight);
  const w = axis(op, padding, 1, inWidth, filterWidth, strideWidth, dilationWidth);
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight: h.out,
    outWidth: w.out,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop: h.before,
    padBottom: h.after,
    padLeft: w.before,
    padRight: w.after,
  };
}

/** Options of the pooling ops. */
export interface Pool2dOptions {
  /** Default: the window size (non-overlapping windows). */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

/** @internal Geometry of a pooling window over x [N,H,W,C]. */
export function pool2dGeometry(
  op: string,
  xShape: readonly number[],
  windowSize: number | readonly [number, number],
  options: Pool2dOptions,
): Pool2dGeometry {
  if (xShape.length !== 4) throw new ShapeError(op, `argument 'x' expected rank 4 (NHWC), got shape ${fmtShape(xShape)}`);
  const [windowHeight, windowWidth] = pair(op, 'windowSize', windowSize, 1);
  const [strideHeight, strideWidth] = pair(op, 'strides', options.strides ?? [windowHeight, windowWidth], 1);
  const padding = options.padding ?? 'valid';
  const [batch, inHeight, inWidth, channels] = xShape;
  const h = axis(op, padding, 0, inHeight, windowHeight, strideHeight, 1);
  const w = axis(op, padding, 1, inWidth, windowWidth, strideWidth, 1);
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight: h.out,
    outWidth: w.out,
    windowHeight,
    windowWidth,
    strideHeight,
    strideWidth,
    padTop: h.before,
    padBottom: h.after,
    padLeft: w.before,
    padRight: w.after,
  };
}

/** A window geometry in the form the index table needs (pooling has dilation 1). */
interface Windows {
  outHeight: number;
  outWidth: number;
  kh: number;
  kw: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  paddedWidth: number;
}

const indexCache = new Map<string, Int32Array>();

/**
 * @internal For every output position (oh, ow) and tap (i, j), the flat position in the
 * padded input (row-major over [Hp, Wp]). Gathering these rows is im2col.
 */
export function windowIndices(w: Windows): Int32Array {
  const key = Object.values(w).join(',');
  let table = indexCache.get(key);
  if (table) return table;
  table = new Int32Array(w.outHeight * w.outWidth * w.kh * w.kw);
  let p = 0;
  for (let oh = 0; oh < w.outHeight; oh++)
    for (let ow = 0; ow < w.outWidth; ow++)
      for (let i = 0; i < w.kh; i++)
        for (let j = 0; j < w.kw; j++)
          table[p++] = (oh * w.strideHeight + i * w.dilationHeight) * w.paddedWidth + ow * w.strideWidth + j * w.dilationWidth;
  if (indexCache.size > 256) indexCache.clear();
  indexCache.set(key, table);
  return table;
}

/** @internal The window description of a conv geometry. */
export function convWindows(g: Conv2dGeometry): Windows {
  return {
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    kh: g.filterHeight,
    kw: g.filterWidth,
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    dilationHeight: g.dilationHeight,
    dilationWidth: g.dilationWidth,
    paddedWidth: g.inWidth + g.padLeft + g.padRight,
  };
}

/** @internal The window description of a pooling geometry. */
export function poolWindows(g: Pool2dGeometry): Windows {
  return {
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    kh: g.windowHeight,
    kw: g.windowWidth,
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    dilationHeight: 1,
    dilationWidth: 1,
    paddedWidth: g.inWidth + g.padLeft + g.padRight,
  };
}
