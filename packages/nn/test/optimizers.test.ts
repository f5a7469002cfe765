import { Variable, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  RMSProp,
  SGD,
  clipGradNorm,
  clipGradValue,
  cosineDecay,
  globalNorm,
  sequence,
  stepDecay,
  warmup,
} from '../src/index.js';

/** Runs `steps` updates of f(w) = Σ w² (gradient 2w) and returns w after each, from w0. */
function run(opt: SGD | Adam | RMSProp, w0: number[], steps: number): number[][] {
  const w = new Variable(tensor(w0, undefined, { dtype: 'float64' }));
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.step(
      [w],
      [
        tensor(
          Array.from(w.value.dataSync(), (v) => 2 * v),
          undefined,
          { dtype: 'float64' },
        ),
      ],
    );
    out.push(Array.from(w.value.dataSync()));
  }
  return out;
}

/** The same updates in plain scalar JavaScript (the textbook formulas). */
function reference(kind: string, w0: number, steps: number, o: Record<string, number | boolean>): number[] {
  let w = w0,
    b = 0,
    m = 0,
    v = 0,
    s = 0;
  const out: number[] = [];
  const lr = o.lr as number;
  for (let t = 1; t <= steps; t++) {
    let g = 2 * w;
    if (kind === 'sgd') {
      g += ((o.wd as number) ?? 0) * w;
      if (o.mu) {
        b = t === 1 ? g : (o.mu as number) * b + g;
        w -= lr * (o.nesterov ? g + (o.mu as number) * b : b);
      } else w -= lr * g;
    } else if (kind === 'adam' || kind === 'adamw') {
      if (kind === 'adam') g += ((o.wd as number) ?? 0) * w;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      const step = (lr * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
      w = kind === 'adamw' ? w - step - lr * (o.wd as number) * w : w - step;
    } else {
      s = 0.9 * s + 0.1 * g * g;
      w -= (lr * g) / (Math.sqrt(s) + 1e-8);
    }
    out.push(w);
  }
  return out;
}

describe('optimizers match the textbook update rules', () => {
  const cases: [string, () => SGD | Adam | RMSProp, string, Record<string, number | boolean>][] = [
    ['SGD', () => new SGD({ learningRate: 0.1 }), 'sgd', { lr: 0.1 }],
    ['SGD + momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 }), 'sgd', { lr: 0.1, mu: 0.9 }],
    [
      'SGD + Nesterov + weight decay',
      () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
      'sgd',
      { lr: 0.1, mu: 0.9, nesterov: true, wd: 0.01 },
    ],
    ['Adam', () => new Adam({ learningRate: 0.01 }), 'adam', { lr: 0.01 }],
    ['Adam + L2', () => new Adam({ learningRate: 0.01, weightDecay: 0.1 }), 'adam', { lr: 0.01, wd: 0.1 }],
    ['AdamW', () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), 'adamw', { lr: 0.01, wd: 0.1 }],
    ['RMSProp', () => new RMSProp({ learningRate: 0.01 }), 'rmsprop', { lr: 0.01 }],
  ];
  for (const [name, make, kind, o] of cases) {
    it(name, () => {
      const got = run(make(), [1.5, -0.5], 5);
      const a = reference(kind, 1.5, 5, o);
      const b = reference(kind, -0.5, 5, o);
      got.forEach((w, i) => {
        expect(w[0]).toBeCloseTo(a[i], 12);
        expect(w[1]).toBeCloseTo(b[i], 12);
      });
    });
  }

  it('all of them minimise a quadratic', () => {
    for (const [, make] of cases) {
      const last = run(make(), [1.5, -0.5], 300).at(-1)!;
      expect(Math.hypot(...last)).toBeLessThan(0.2);
    }
  });

  it('skips non-trainable variables, keeps state per variable, counts iterations, checks shapes', () => {
    const opt = new Adam();
    const a = new Variable(tensor([1]));
    const frozen = new Variable(tensor([1]), { trainable: false });
    opt.step([a, frozen], [tensor([1]), tensor([1])]);
    expect(frozen.value.toArray()).toEqual([1]);
    expect(opt.stateOf(a)?.length).toBe(2);
    expect(opt.stateOf(frozen)).toBeUndefined();
    expect(opt.iterations).toBe(1);
    expect(() => opt.step([a], [tensor([1, 2])])).toThrow(/gradient 0 has shape \[2\]/);
    expect(() => opt.step([a], [])).toThrow(/1 variables but 0 gradients/);
  });

  it('follows a learning-rate schedule by step', () => {
    const opt = new SGD({ learningRate: stepDecay(1, { stepSize: 1, gamma: 0.5 }) });
    const w = new Variable(tensor([0]));
    opt.step([w], [tensor([-1])]);
    opt.step([w], [tensor([-1])]);
    expect(w.value.toArray()).toEqual([1.5]);
    expect(opt.currentLearningRate).toBe(0.25);
  });
});

describe('schedules', () => {
  it('step, cosine, warm-up and sequences compose', () => {
    expect(stepDecay(0.1, { stepSize: 10, gamma: 0.5 })(25)).toBeCloseTo(0.025);
    const c = cosineDecay(1, { totalSteps: 100, minLr: 0.1 });
    expect(c(0)).toBe(1);
    expect(c(50)).toBeCloseTo(0.55);
    expect(c(100)).toBeCloseTo(0.1);
    expect(c(1000)).toBeCloseTo(0.1);
    const w = warmup(10, cosineDecay(0.1, { totalSteps: 90 }));
    expect(w(0)).toBeCloseTo(0.01);
    expect(w(9)).toBeCloseTo(0.1);
    expect(w(10)).toBeCloseTo(0.1);
    expect(w(100)).toBeCloseTo(0);
    const s = sequence([
      [0.1, 5],
      [stepDecay(0.1, { stepSize: 5, gamma: 0.1 }), Infinity],
    ]);
    expect(s(4)).toBe(0.1);
    expect(s(5)).toBeCloseTo(0.1);
    expect(s(10)).toBeCloseTo(0.01);
    expect(() => new SGD({ learningRate: () => NaN }).currentLearningRate).toThrow(/learning rate/);
  });
});

describe('gradient clipping', () => {
  it('by global norm returns the norm before clipping and keeps the direction', () => {
    const { grads, norm } = clipGradNorm([tensor([3]), tensor([4])], 1);
    expect(norm).toBe(5);
    expect(grads[0].dataSync()[0]).toBeCloseTo(0.6, 6);
    expect(grads[1].dataSync()[0]).toBeCloseTo(0.8, 6);
    const under = [tensor([0.3]), tensor([0.4])];
    expect(clipGradNorm(under, 1).grads[0]).toBe(under[0]);
  });
  it('norms of huge float32 gradients do not overflow; NaN propagates', () => {
    expect(globalNorm([tensor([3e30]), tensor([4e30])])).toBeCloseTo(5e30, -25);
    expect(globalNorm([tensor([NaN, 1])])).toBeNaN();
    expect(globalNorm([tensor([Infinity])])).toBe(Infinity);
    expect(globalNorm([])).toBe(0);
  });
  it('by value', () => {
    expect(clipGradValue([tensor([-3, 0.5, 2])], 1)[0].toArray()).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue([], 0)).toThrow(/clipValue/);
  });
});
