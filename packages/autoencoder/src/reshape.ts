/**
 * Reshape: x [n, ...] → [n, ...shape], the batch axis kept (a dense bottleneck back to an
 * NHWC feature map in a convolutional decoder). No parameters; the gradient is a reshape back.
 */
import { type LayerFactory, Module } from '@lec/nn';
import { ShapeError, type Tensor, reshape } from '@lec/tensor';

/**
 * A layer that reshapes everything but the batch axis.
 * @example
 * ```ts
 * new Reshape([7, 7, 32]).forward(zeros([2, 1568])).shape; // [2, 7, 7, 32]
 * ```
 */
export class Reshape extends Module {
  readonly type = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(shape: readonly number[]) {
    super();
    if (!shape.every((s) => Number.isSafeInteger(s) && s >= 1))
      throw new ShapeError('Reshape', `argument 'shape' expected positive integers, got [${shape.join(', ')}]`);
    this.targetShape = [...shape];
  }

  forward(x: Tensor): Tensor {
    const per = this.targetShape.reduce((a, b) => a * b, 1);
    if (x.rank < 1 || x.size !== x.shape[0] * per) {
      throw new ShapeError(
        'Reshape.forward',
        `argument 'x' [${x.shape.join(', ')}] cannot become [batch, ${this.targetShape.join(', ')}] (${per} values per sample)`,
      );
    }
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override config() {
    return { shape: [...this.targetShape] };
  }

  /** Registry factory (see `autoencoderLayers`). */
  static readonly fromConfig: LayerFactory = (c) => new Reshape(c.intList('shape', { min: 1, maxLength: 8 }));
}
