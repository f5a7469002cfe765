import { keep } from './engine.js';
import { DTypeError, ShapeError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * A named, mutable slot holding a tensor: a model parameter. Tensors are immutable, so an
 * optimizer step `assign`s a new value (the old one is disposed). The value is kept out of
 * tidy scopes.
 * @example
 * ```ts
 * const w = new Variable(zeros([2]), { name: 'w' });
 * w.assign(ones([2]));
 * w.value.toArray(); // [1, 1]
 * ```
 */
export class Variable {
  readonly name: string;
  /** Whether optimizers update it. */
  trainable: boolean;
  #value: Tensor;

  constructor(value: Tensor, options: { name?: string; trainable?: boolean } = {}) {
    this.#value = keep(value);
    this.name = options.name ?? 'variable';
    this.trainable = options.trainable ?? true;
  }

  get value(): Tensor {
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /** Replaces the value with one of the same shape and dtype; the old value is disposed. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.#value.shape)) {
      throw new ShapeError(
        'Variable.assign',
        `variable '${this.name}' has shape ${fmtShape(this.#value.shape)}, got ${fmtShape(value.shape)}`,
      );
    }
    if (value.dtype !== this.#value.dtype) {
      throw new DTypeError('Variable.assign', `variable '${this.name}' has dtype ${this.#value.dtype}, got ${value.dtype}`);
    }
    if (value === this.#value) return;
    const old = this.#value;
    this.#value = keep(value);
    old.dispose();
  }

  /** Frees the value. */
  dispose(): void {
    this.#value.dispose();
  }
}
