/**
 * The pooling family of the host side (assembly/pool-f32-nhwc.ts): max and average pooling
 * and their gradients, NHWC, split over threads by images.
 */
import type { Pool2dGeometry } from '@lec/tensor';
import type { KernelJob } from '../thread-pool.js';
import type { WasmArena } from '../wasm-arena.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { expectLength } from './shared.js';

/** The algorithm of `WasmKernels.maxPool2d` (see there). */
export function maxPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('maxPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, 'maxPool2d', g, poolOutputSize(g), out, 'max_pool2d_f32_nhwc', FORWARD_COST, [x, poolInputSize(g)]);
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
  const [inSize, outSize] = [poolInputSize(g), poolOutputSize(g)];
  return runPool(kernels, 'maxPool2dBackward', g, inSize, out, 'max_pool2d_backward_f32_nhwc', BACKWARD_COST, [dy, outSize], [x, inSize]);
}

/** The algorithm of `WasmKernels.avgPool2d` (see there). */
export function avgPool2d(kernels: WasmKernels, x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('avgPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
  return runPool(kernels, 'avgPool2d', g, poolOutputSize(g), out, 'avg_pool2d_f32_nhwc', FORWARD_COST, [x, poolInputSize(g)]);
}

/** The algorithm of `WasmKernels.avgPool2dBackward` (see there). */
export function avgPool2dBackward(kernels: WasmKernels, dy: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
  expectLength('avgPool2dBackward', 'dy', dy, poolOutputSize(g), poolOutputShape(g));
  return runPool(kernels, 'avgPool2dBackward', g, poolInputSize(g), out, 'avg_pool2d_backward_f32_nhwc', BACKWARD_COST, [
    dy,
    poolOutputSize(g),
  ]);
}

/**
 * Work per input element in flop-equivalents (one-thread time × 50 GFLOP/s; the LeNet step's
 * profile: forward ~1 ns, backward ~2.2 ns per input element), for the split over threads.
 */
const FORWARD_COST = 50;
const BACKWARD_COST = 110;

/** A pool kernel: its arguments are the geometry block, the operands, the result. */
type PoolKernel = 'max_pool2d_f32_nhwc' | 'max_pool2d_backward_f32_nhwc' | 'avg_pool2d_f32_nhwc' | 'avg_pool2d_backward_f32_nhwc';

/**
 * Runs a pool kernel into `into` (or a fresh array). A large batch is cut into ranges of
 * images claimed by the threads (`runChunks`), each with its own geometry block: images are
 * independent and each writes only its own output, so results do not depend on the split.
 * `operands` are the kernel's array operands with their total floats; `cost` is per input float.
 */
function runPool(
  kernels: WasmKernels,
  op: string,
  g: Pool2dGeometry,
  resultLength: number,
  into: Float32Array | undefined,
  kernel: PoolKernel,
  cost: number,
  ...operandSizes: [Float32Array, number][]
): Float32Array {
  if (into !== undefined) expectLength(op, 'out', into, resultLength, `[${resultLength}]`);
  // `into` (a recycled array of resultLength) is overwritten in full by the kernel
  const out = into ?? new Float32Array(resultLength);
  if (resultLength === 0) return out;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const resident = arena.residentPointer(out);
    const result = resident >= 0 ? resident : arena.allocF32(resultLength);
    const operands = operandSizes.map(([source, floats]) => [arena.operandF32(source), floats / g.batch] as const);
    const count = kernels.chunks(poolInputSize(g) * cost, g.batch);
    const step = Math.ceil(g.batch / count);
    const geometries = new Map<number, number>();
    const chunks: KernelJob[] = [];
    for (let begin = 0; begin < g.batch; begin += step) {
      const images = Math.min(step, g.batch - begin);
      let geometry = geometries.get(images);
      if (geometry === undefined) {
        geometry = geometryBlock(arena, { ...g, batch: images });
        geometries.set(images, geometry);
      }
      const pointers = operands.map(([ptr, perImage]) => ptr + begin * perImage * 4);
      chunks.push({ kernel, args: [geometry, ...pointers, result + begin * (resultLength / g.batch) * 4] });
    }
    kernels.runChunks(chunks, -1, new Array<number>(Math.min(kernels.threads, chunks.length)).fill(0));
    if (result !== resident) out.set(arena.f32(result, resultLength));
    return out;
  } finally {
    arena.release(mark);
  }
}

/** The kernels' i32 geometry block of `g`, on the arena. */
function geometryBlock(arena: WasmArena, g: Pool2dGeometry): number {
  const geometry = arena.alloc(POOL_GEOMETRY_LENGTH * 4);
  const sizes = [g.batch, g.inHeight, g.inWidth, g.channels, g.outHeight, g.outWidth, g.windowHeight, g.windowWidth];
  arena.i32(geometry, POOL_GEOMETRY_LENGTH).set([...sizes, g.strideHeight, g.strideWidth, g.padTop, g.padLeft, g.padBottom, g.padRight]);
  return geometry;
}

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
