/**
 * The pooling family of the host side (assembly/pool-f32-nhwc.ts): max and average pooling
 * and their gradients, NHWC, split over threads by images.
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { expectLength } from './shared.js';
import type { Pool2dGeometry } from '@lec/tensor';

/** The algorithm of `WasmKernels.maxPool2d` (see there). */
export function maxPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('maxPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, 'maxPool2d', g, poolOutputSize(g), out, (geometry, alloc, py) => {
    kernels.exports.max_pool2d_f32_nhwc(geometry, alloc(x), py);
  });
}

/** The algorithm of `WasmKernels.maxPool2dBackward` (see there). */
export function maxPool2dBackward(
  kernels: WasmKernels,
  dy: Float32Array,
  x: Float32Array,
  g: Pool2dGeometry,
  out?: Float32Array,
): Float32Array {
  expectLength('maxPool2dBackward', 'dy', dy, poolOutputSize(g), poolOutputShape(g));
  expectLength('maxPool2dBackward', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, 'maxPool2dBackward', g, poolInputSize(g), out, (geometry, alloc, pdx) => {
    kernels.exports.max_pool2d_backward_f32_nhwc(geometry, alloc(dy), alloc(x), pdx);
  });
}

/** The algorithm of `WasmKernels.avgPool2d` (see there). */
export function avgPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('avgPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, 'avgPool2d', g, poolOutputSize(g), out, (geometry, alloc, py) => {
    kernels.exports.avg_pool2d_f32_nhwc(geometry, alloc(x), py);
  });
}

/** The algorithm of `WasmKernels.avgPool2dBackward` (see there). */
export function avgPool2dBackward(kernels: WasmKernels, dy: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('avgPool2dBackward', 'dy', dy, poolOutputSize(g), poolOutputShape(g));
  return runPool(kernels, 'avgPool2dBackward', g, poolInputSize(g), out, (geometry, alloc, pdx) => {
    kernels.exports.avg_pool2d_backward_f32_nhwc(geometry, alloc(dy), pdx);
  });
}

/**
 * Shared arena bookkeeping of the pooling kernels: the geometry block and operands (read where
 * they live), and the result written straight into `into` when that array is a block of this
 * memory (a tensor of the wasm backend), else into scratch and copied out.
 */
function runPool(
  kernels: WasmKernels,
  op: string,
  g: Pool2dGeometry,
  resultLength: number,
  into: Float32Array | undefined,
  body: (geometry: number, alloc: (source: Float32Array) => number, result: number) => void,
): Float32Array {
  if (into !== undefined) expectLength(op, 'out', into, resultLength, `[${resultLength}]`);
  // `into` (a recycled array of resultLength) is overwritten in full by the kernel
  const out = into ?? new Float32Array(resultLength);
  if (resultLength === 0) return out;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const geometry = arena.alloc(POOL_GEOMETRY_LENGTH * 4);
    const block = arena.i32(geometry, POOL_GEOMETRY_LENGTH);
    block[0] = g.batch;
    block[1] = g.inHeight;
    block[2] = g.inWidth;
    block[3] = g.channels;
    block[4] = g.outHeight;
    block[5] = g.outWidth;
    block[6] = g.windowHeight;
    block[7] = g.windowWidth;
    block[8] = g.strideHeight;
    block[9] = g.strideWidth;
    block[10] = g.padTop;
    block[11] = g.padLeft;
    block[12] = g.padBottom;
    block[13] = g.padRight;
    const resident = arena.residentPointer(out);
    const result = resident >= 0 ? resident : arena.allocF32(resultLength);
    body(geometry, (source) => arena.operandF32(source), result);
    if (result !== resident) out.set(arena.f32(result, resultLength));
    return out;
  } finally {
    arena.release(mark);
  }
}

/** i32 values of a pooling geometry block (assembly/pool-f32-nhwc.ts POOL2D_GEOMETRY_LENGTH). */
const POOL_GEOMETRY_LENGTH = 14;

function poolInputSize(g: Pool2dGeometry): number {
  return g.batch * g.inHeight * g.inWidth * g.channels;
}

function poolOutputSize(g: Pool2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.channels;
}

function poolOutputShape(g: Pool2dGeometry): string {
  return `NHWC [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`;
}

function poolInputShape(g: Pool2dGeometry): string {
  return `NHWC [${g.batch}, ${g.inHeight}, ${g.inWidth}, ${g.channels}]`;
}
