/**
 * What every kernel family of the host side shares: argument checks that name the kernel and
 * the argument, the activation codes the kernels take, and resident arena blocks.
 */
import type { WasmArena } from '../wasm-arena.js';

/** Activations fused into gemm and conv2d. relu is max(x, 0) and keeps NaN. */
export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';

const ACTIVATION_CODES: Record<Activation, number> = { none: 0, relu: 1, sigmoid: 2, tanh: 3 };

/** A block of resident arena memory (kept between kernel calls until disposed). */
export abstract class ResidentBlock {
  /** @internal */
  readonly arena: WasmArena;
  /** @internal Byte pointer of the start of the block. */
  readonly ptr: number;
  /** Bytes of arena memory held. */
  readonly bytes: number;
  #disposed = false;

  constructor(arena: WasmArena, ptr: number, bytes: number) {
    this.arena = arena;
    this.ptr = ptr;
    this.bytes = bytes;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees the arena memory (again: nothing). Only between kernel calls. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.arena.freeResident(this.ptr);
  }
}

/** `out` checked to hold `length` floats, or a fresh array. */
export function outputArray(op: string, out: Float32Array | undefined, length: number): Float32Array {
  if (out === undefined) return new Float32Array(length);
  expectLength(op, 'out', out, length, `[${length}]`);
  return out;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export function expectLength(op: string, name: string, array: Float32Array, expected: number, shape: string): void {
  if (!(array instanceof Float32Array)) {
    throw new TypeError(`${op}: ${name} must be a Float32Array, got ${Object.prototype.toString.call(array)}`);
  }
  if (array.length !== expected) {
    throw new RangeError(`${op}: ${name} must hold ${expected} floats for shape ${shape}, got ${array.length}`);
  }
}

export function activationCode(op: string, activation: Activation | undefined): number {
  const code = ACTIVATION_CODES[activation ?? 'none'];
  if (code === undefined) {
    throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${String(activation)}`);
  }
  return code;
}
