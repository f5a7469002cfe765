/**
 * The pooling family of the host side (assembly/pool-f32-nhwc.ts): max and average pooling
 * and their gradients, NHWC, split over threads by images.
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { expectLength } from './shared.js';
import type { Pool2dGeometry } from '@lec/tensor';

/** The algorithm of `WasmKernels.maxPool2d` (see there). */
export function maxPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry): Float32Array {
  expectLength('maxPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, g, poolOutputSize(g), (geometry, alloc) => {
    const px = alloc(x);
    const py = alloc(poolOutputSize(g));
    kernels.exports.max_pool2d_f32_nhwc(geometry, px, py);
    return py;
  });
}

/** The algorithm of `WasmKernels.maxPool2dBackward` (see there). */
export function maxPool2dBackward(kernels: WasmKernels, dy: Float32Array, x: Float32Array, g: Pool2dGeometry): Float32Array {
  expectLength('maxPool2dBackward', 'dy', dy, poolOutputSize(g), `NHWC [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`);
  expectLength('maxPool2dBackward', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, g, poolInputSize(g), (geometry, alloc) => {
    const pdy = alloc(dy);
    const px = alloc(x);
    const pdx = alloc(poolInputSize(g));
    kernels.exports.max_pool2d_backward_f32_nhwc(geometry, pdy, px, pdx);
    return pdx;
  });
}

/** The algorithm of `WasmKernels.avgPool2d` (see there). */
export function avgPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry): Float32Array {
  expectLength('avgPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, g, poolOutputSize(g), (geometry, alloc) => {
    const px = alloc(x);
    const py = alloc(poolOutputSize(g));
    kernels.exports.avg_pool2d_f32_nhwc(geometry, px, py);
    return py;
  });
}

/** The algorithm of `WasmKernels.avgPool2dBackward` (see there). */
export function avgPool2dBackward(kernels: WasmKernels, dy: Float32Array, g: Pool2dGeometry): Float32Array {
  expectLength('avgPool2dBackward', 'dy', dy, poolOutputSize(g), `NHWC [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`);
  return runPool(kernels, g, poolInputSize(g), (geometry, alloc) => {
    const pdy = alloc(dy);
    const pdx = alloc(poolInputSize(g));
    kernels.exports.avg_pool2d_backward_f32_nhwc(geometry, pdy, pdx);
    return pdx;
  });
}

function runPool(
  kernels: WasmKernels,
  g: Pool2dGeometry,
  resultLength: number,
  body: (geometry: number, alloc: (source: Float32Array | number) => number) => number,
): Float32Array {
  const out = new Float32Array(resultLength);
  if (resultLength === 0) return out;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const block = Int32Array.of(
      g.batch,
      g.inHeight,
      g.inWidth,
      g.channels,
      g.outHeight,
      g.outWidth,
      g.windowHeight,
      g.windowWidth,
      g.strideHeight,
      g.strideWidth,
      g.padTop,
      g.padLeft,
      g.padBottom,
      g.padRight,
    );
    const geometry = arena.alloc(block.byteLength);
    arena.i32(geometry, block.length).set(block);
    const alloc = (source: Float32Array | number) => (typeof source === 'number' ? arena.allocF32(source) : arena.operandF32(source));
    const result = body(geometry, alloc);
    out.set(arena.f32(result, resultLength));
    return out;
  } finally {
    arena.release(mark);
  }
}

function poolInputSize(g: Pool2dGeometry): number {
  return g.batch * g.inHeight * g.inWidth * g.channels;
}

function poolOutputSize(g: Pool2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.channels;
}

function poolInputShape(g: Pool2dGeometry): string {
  return `NHWC [${g.batch}, ${g.inHeight}, ${g.inWidth}, ${g.channels}]`;
}
