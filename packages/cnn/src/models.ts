/**
 * Ready-made CNNs for 28×28×1 images (MNIST): LeNet-5 and a small modern CNN.
 */
import { Dense, Dropout, Flatten, type Module, ReLU, Sequential, Tanh } from '@lec/nn';
import { Rng, ValueError } from '@lec/tensor';

function checkClasses(op: string, classes: number | undefined): void {
  if (classes !== undefined && (!Number.isSafeInteger(classes) || classes < 1))
    throw new ValueError(op, `argument 'classes' expected a positive integer, got ${classes}`);
}
import { Conv2d } from './layers/conv2d.js';
import { AvgPool2d, MaxPool2d } from './layers/pooling.js';

/** Options of `lenet5`. */
export interface LeNetOptions {
  /** 'relu' (default, trains faster) or 'tanh' (closer to the 1998 paper). */
  activation?: 'relu' | 'tanh';
  /** 'max' (default) or 'avg' (the paper's subsampling). */
  pooling?: 'max' | 'avg';
  /** Number of classes. Default 10. */
  classes?: number;
  seed?: number;
  rng?: Rng;
}

/**
 * LeNet-5 (LeCun et al. 1998) for 28×28×1 inputs: conv 5×5×6 ('same', so 28×28 stands in for
 * the paper's padded 32×32) → pool 2 → conv 5×5×16 → pool 2 → 400 → 120 → 84 → classes.
 * Outputs logits [N, classes]; 61,706 parameters.
 * @example
 * ```ts
 * const net = lenet5({ seed: 0 });
 * net.forward(zeros([2, 28, 28, 1])).shape; // [2, 10]
 * net.numParameters(); // 61706
 * ```
 */
export function lenet5(options: LeNetOptions = {}): Sequential {
  checkClasses('lenet5', options.classes);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const act = (): Module => (options.activation === 'tanh' ? new Tanh() : new ReLU());
  // A monotone activation commutes with max pooling (act(max(a, b)) = max(act(a), act(b))),
  // so with max pooling it runs after the pool, on a quarter of the values (forward and
  // backward): the same network, cheaper. Average pooling keeps the paper's order.
  const block = (): Module[] => (options.pooling === 'avg' ? [act(), new AvgPool2d(2)] : [new MaxPool2d(2), act()]);
  return new Sequential([
    new Conv2d(1, 6, 5, { padding: 'same', rng }),
    ...block(),
    new Conv2d(6, 16, 5, { rng }),
    ...block(),
    new Flatten(),
    new Dense(400, 120, { rng }),
    act(),
    new Dense(120, 84, { rng }),
    act(),
    new Dense(84, options.classes ?? 10, { rng }),
  ]);
}

/**
 * A small modern CNN for 28×28×1 inputs: two blocks of 3×3 conv + ReLU + max-pool (32 and 64
 * filters), then dense 128 with dropout 0.25 and the classifier. Outputs logits.
 * @example
 * ```ts
 * smallCnn({ seed: 0 }).forward(zeros([1, 28, 28, 1])).shape; // [1, 10]
 * ```
 */
export function smallCnn(options: { classes?: number; seed?: number; rng?: Rng } = {}): Sequential {
  checkClasses('smallCnn', options.classes);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  return new Sequential([
    new Conv2d(1, 32, 3, { padding: 'same', rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 'same', rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Dense(7 * 7 * 64, 128, { rng }),
    new ReLU(),
    new Dropout(0.25, { rng: rng.fork() }),
    new Dense(128, options.classes ?? 10, { rng }),
  ]);
}
