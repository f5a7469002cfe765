/**
 * Learning-rate schedules: functions from the optimizer step (0-based count of updates done)
 * to a learning rate. They compose: `warmup` and `sequence` take other schedules.
 */
import { ValueError } from '@lec/tensor';

/** step → learning rate. */
export type Schedule = (step: number) => number;

/** A fixed learning rate or a schedule. */
export type LearningRate = number | Schedule;

/** @internal The learning rate at `step`. */
export function learningRateAt(lr: LearningRate, step: number): number {
  const value = typeof lr === 'number' ? lr : lr(step);
  if (!(value >= 0) || !Number.isFinite(value))
    throw new ValueError('Optimizer.step', `the learning rate at step ${step} must be a finite number >= 0, got ${value}`);
  return value;
}

/**
 * Step decay: lr·gamma^⌊step / stepSize⌋.
 * @example
 * ```ts
 * const s = stepDecay(0.1, { stepSize: 10, gamma: 0.5 });
 * s(0); // 0.1
 * s(10); // 0.05
 * ```
 */
export function stepDecay(lr: number, options: { stepSize: number; gamma?: number }): Schedule {
  if (!(options.stepSize >= 1)) throw new ValueError('stepDecay', `argument 'stepSize' expected >= 1, got ${options.stepSize}`);
  const gamma = options.gamma ?? 0.1;
  return (step) => lr * gamma ** Math.floor(step / options.stepSize);
}

/**
 * Cosine decay (Loshchilov & Hutter 2017, one cycle): from lr down to minLr over
 * `totalSteps`, minLr + ½(lr − minLr)(1 + cos(π·step/totalSteps)); minLr afterwards.
 * @example
 * ```ts
 * const s = cosineDecay(1, { totalSteps: 100 });
 * s(0); // 1
 * s(50); // 0.5
 * s(100); // 0
 * ```
 */
export function cosineDecay(lr: number, options: { totalSteps: number; minLr?: number }): Schedule {
  if (!(options.totalSteps >= 1)) throw new ValueError('cosineDecay', `argument 'totalSteps' expected >= 1, got ${options.totalSteps}`);
  const minLr = options.minLr ?? 0;
  return (step) => {
    const t = Math.min(step, options.totalSteps) / options.totalSteps;
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Linear warm-up over `steps` steps into `after` (a number or a schedule, which then sees
 * steps counted from the end of the warm-up): lr·(step + 1)/steps during the warm-up.
 * @example
 * ```ts
 * const s = warmup(10, cosineDecay(0.1, { totalSteps: 90 }));
 * s(0); // 0.01
 * s(10); // 0.1
 * ```
 */
export function warmup(steps: number, after: LearningRate): Schedule {
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new ValueError('warmup', `argument 'steps' expected a non-negative integer, got ${steps}`);
  const at = (s: number) => (typeof after === 'number' ? after : after(s));
  return (step) => (step < steps ? (at(0) * (step + 1)) / steps : at(step - steps));
}

/**
 * Schedules one after another: each `[schedule, steps]` runs for its steps (seeing steps
 * counted from its own start); the last one runs on forever.
 * @example
 * ```ts
 * const s = sequence([[0.1, 5], [stepDecay(0.1, { stepSize: 5, gamma: 0.1 }), Infinity]]);
 * s(4); // 0.1
 * s(10); // 0.01
 * ```
 */
export function sequence(parts: readonly (readonly [LearningRate, number])[]): Schedule {
  if (parts.length === 0) throw new ValueError('sequence', `argument 'parts' expected at least one schedule`);
  return (step) => {
    let start = 0;
    for (let i = 0; i < parts.length; i++) {
      const [lr, steps] = parts[i];
      if (step < start + steps || i === parts.length - 1) return typeof lr === 'number' ? lr : lr(step - start);
      start += steps;
    }
    return 0;
  };
}
