/**
 * One training step, the building block of `fit`: forward, loss, gradients (variableGrads),
 * a finiteness check, optional clipping, the optimizer update. All-or-nothing: a NaN/Inf loss
 * or gradient throws `NonFiniteError` before anything is updated, and non-trainable state a
 * forward pass changes (BatchNorm running statistics) is restored.
 */
import { type Tensor, type Variable, keep, mul, tidy, variableGrads } from '@lec/tensor';
import { clipGradNorm, clipGradValue } from './clip.js';
import { NonFiniteError } from './errors.js';
import type { Loss } from './losses.js';
import type { Module } from './module.js';
import type { Optimizer } from './optimizers/optimizer.js';

/** Options of `trainStep`. */
export interface TrainStepOptions {
  /** Clip the gradients to this global norm first. */
  clipNorm?: number;
  /** Clip each gradient entry to [−clipValue, clipValue] (after norm clipping). */
  clipValue?: number;
  /** Epoch (0-based), named in errors. */
  epoch?: number;
  /** Batch (0-based), named in errors. */
  batch?: number;
  /** Also return the model's output for this batch (computed before the update). */
  keepOutput?: boolean;
}

/** What `trainStep` returns. */
export interface TrainStepResult {
  /** The loss before the update. */
  loss: number;
  /** The global gradient norm before clipping (when clipNorm is set). */
  gradNorm?: number;
  /** The model output (when keepOutput is set); the caller owns it. */
  output?: Tensor;
}

function where(options: TrainStepOptions): string {
  const parts: string[] = [];
  if (options.epoch !== undefined) parts.push(`epoch ${options.epoch}`);
  if (options.batch !== undefined) parts.push(`batch ${options.batch}`);
  return parts.length ? ` at ${parts.join(', ')}` : '';
}

/**
 * Runs one optimisation step of `model` on the batch (x, y) and returns the loss.
 * @example
 * ```ts
 * const model = new Dense(2, 1, { seed: 0 });
 * const opt = new SGD({ learningRate: 0.1 });
 * const x = tensor([[1, 2]]);
 * const y = tensor([[1]]);
 * const { loss } = trainStep(model, meanSquaredError, opt, x, y);
 * meanSquaredError(model.forward(x), y).item() < loss; // true (the step lowered the loss)
 * ```
 */
export function trainStep<I>(
  model: Module<I, Tensor>,
  loss: Loss,
  optimizer: Optimizer,
  x: I,
  y: Tensor,
  options: TrainStepOptions = {},
): TrainStepResult {
  const named = model.namedParameters();
  const trainable = named.filter(([, v]) => v.trainable);
  const variables = trainable.map(([, v]) => v);
  const frozen: Variable[] = named.filter(([, v]) => !v.trainable).map(([, v]) => v);
  const saved = tidy(() => frozen.map((v) => mul(v.value, 1))).map((t) => keep(t));
  let ok = false;
  // kept out of every tidy scope (variableGrads disposes what it does not return): disposed below unless asked for
  let output: Tensor | undefined;
  try {
    const result = tidy(() => {
      const { value, grads } = variableGrads(() => {
        output = keep(model.forward(x));
        return loss(output, y);
      }, variables);
      const lossValue = value.item();
      if (!Number.isFinite(lossValue)) {
        throw new NonFiniteError('trainStep', `the loss is ${lossValue}${where(options)}; the parameters were not updated`, {
          epoch: options.epoch,
          batch: options.batch,
          what: 'loss',
        });
      }
      // gradients and new values are checked by optimizer.step (the same check as a hand-written loop)
      let g = grads;
      let gradNorm: number | undefined;
      if (options.clipNorm !== undefined) ({ grads: g, norm: gradNorm } = clipGradNorm(g, options.clipNorm));
      if (options.clipValue !== undefined) g = clipGradValue(g, options.clipValue);
      optimizer.step(variables, g, { names: trainable.map(([name]) => name), epoch: options.epoch, batch: options.batch });
      return { loss: lossValue, gradNorm };
    });
    ok = true;
    const out: TrainStepResult = { loss: result.loss };
    if (result.gradNorm !== undefined) out.gradNorm = result.gradNorm;
    if (options.keepOutput && output) out.output = output;
    return out;
  } finally {
    if (output && !(ok && options.keepOutput) && (output as unknown) !== x) output.dispose();
    frozen.forEach((v, i) => {
      if (!ok) v.assign(saved[i]);
      else saved[i].dispose();
    });
  }
}
