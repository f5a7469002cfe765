/**
 * Issue 25's defects in @lec/tensor, each reproduced: huge sizes give a typed error before
 * anything is allocated, int32 values are not silently truncated or wrapped, out-of-range
 * indices and labels are refused, and withBackend refuses async functions.
 */
import { describe, expect, it } from 'vitest';
import { f64Backend, jsBackend } from './backend/cpu-backend.js';
import { arange, bernoulli, eye, full, linspace, ones, rand, randn, tensor, uniform, zeros } from './creation.js';
import { getBackend, withBackend } from './engine.js';
import { type LecError, OutOfMemoryError, ShapeError, ValueError } from './errors.js';
import { broadcastTo } from './ops/broadcast-to.js';
import { conv2dTranspose } from './ops/conv2d-transpose.js';
import { matmul } from './ops/matmul.js';
import { oneHot } from './ops/one-hot.js';
import { pad } from './ops/pad.js';
import { softmaxCrossEntropy } from './ops/softmax-cross-entropy.js';
import { checkAllocation } from './shape.js';

const int = (v: number[]) => tensor(v, [v.length], { dtype: 'int32' });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

describe('huge sizes (defect 4)', () => {
  const cases: [string, () => unknown][] = [
    ['zeros', () => zeros([1e6, 1e6])],
    ['ones', () => ones([1e6, 1e6])],
    ['full', () => full([1e6, 1e6], 3)],
    ['rand', () => rand([1e6, 1e6])],
    ['uniform', () => uniform([1e6, 1e6])],
    ['randn', () => randn([1e6, 1e6])],
    ['bernoulli', () => bernoulli([1e6, 1e6], 0.5)],
    ['arange', () => arange(0, 1e13)],
    ['linspace', () => linspace(0, 1, 1e13)],
    ['eye', () => eye(1e6)],
    [
      'pad',
      () =>
        pad(zeros([2, 2]), [
          [0, 1e6],
          [0, 1e6],
        ]),
    ],
    ['oneHot', () => oneHot(int([0, 1]), 1e10)],
    ['broadcastTo', () => broadcastTo(zeros([1]), [1e6, 1e6])],
    ['matmul', () => matmul(zeros([1e5, 1]), zeros([1, 1e5]))],
    ['conv2dTranspose', () => conv2dTranspose(zeros([1, 2, 2, 1]), zeros([1, 1, 1, 1]), { strides: 1e6 })],
  ];
  for (const [op, fn] of cases)
    it(`${op}: OutOfMemoryError naming the op and the bytes, before allocating`, () => {
      const before = getBackend().liveBuffers();
      const e = thrown(fn);
      expect(e).toBeInstanceOf(OutOfMemoryError);
      expect((e as LecError).op).toBe(op);
      expect((e as OutOfMemoryError).requestedBytes).toBeGreaterThan(2 ** 32);
      expect((e as Error).message).toMatch(/bytes/);
      // nothing beyond the small inputs of the case was left alive
      expect(getBackend().liveBuffers() - before).toBeLessThanOrEqual(4);
    });

  it('element counts over 2^53 are a ShapeError, computed without overflow', () => {
    const e = thrown(() => zeros([2 ** 30, 2 ** 30, 2 ** 30]));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as Error).message).toMatch(/more than 2\^53/);
    expect(() => zeros([1e300, 0])).toThrow(ShapeError); // not a safe integer
    expect(zeros([2 ** 40, 0]).size).toBe(0);
  });

  it('a backend memoryLimit is named with the option that raises it', () => {
    const js = jsBackend();
    const limited = new Proxy(js, {
      get: (target, key) =>
        key === 'memoryLimit' ? { bytes: 1024, option: 'someBackend({ maximumBytes })' } : Reflect.get(target, key, target),
    });
    const e = thrown(() => checkAllocation('zeros', 'shape', [1024], 'float32', limited));
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect((e as Error).message).toContain('someBackend({ maximumBytes })');
    expect((e as OutOfMemoryError).limitBytes).toBe(1024);
    expect(checkAllocation('zeros', 'shape', [256], 'float32', limited)).toBe(256);
  });

  it('creation ops allocate in the target dtype (no float64 staging copy)', () => {
    expect(zeros([3], { dtype: 'float32' }).dataSync()).toBeInstanceOf(Float32Array);
    expect(full([2], 7, { dtype: 'int32' }).dataSync()).toEqual(new Int32Array([7, 7]));
    expect(arange(0, 3, 1, { dtype: 'int32' }).dataSync()).toEqual(new Int32Array([0, 1, 2]));
    expect(() => full([2], 1.5, { dtype: 'int32' })).toThrow(ValueError);
  });
});

describe('int32 values (defect 9)', () => {
  it('tensor() refuses non-integers and values outside int32 instead of truncating or wrapping', () => {
    expect(() => tensor([1.5, 2 ** 40], [2], { dtype: 'int32' })).toThrow(/argument 'values' expected integers .* got 1.5 at flat index 0/);
    expect(() => tensor([1, 2 ** 40], [2], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor(new Float64Array([NaN]), [1], { dtype: 'int32' })).toThrow(ValueError);
    expect([...tensor([-(2 ** 31), 2 ** 31 - 1], [2], { dtype: 'int32' }).dataSync()]).toEqual([-(2 ** 31), 2 ** 31 - 1]);
  });
});

describe('indices and labels out of range (defects 1 and 9)', () => {
  it('oneHot refuses an index >= depth or < 0 instead of a zero row', () => {
    expect(() => oneHot(int([0, 3]), 3)).toThrow(/oneHot: argument 'indices' expected indices in \[0, 3\), got 3 at flat index 1/);
    expect(() => oneHot(int([-1]), 3)).toThrow(ValueError);
  });

  for (const backend of [jsBackend(), f64Backend()])
    it(`softmaxCrossEntropy refuses labels outside [0, c) (${backend.name})`, () => {
      const z = tensor(
        [
          [1, 2, 3],
          [1, 2, 3],
        ],
        undefined,
        { backend },
      );
      for (const bad of [7, -1, 3]) {
        const y = tensor([0, bad], [2], { dtype: 'int32', backend });
        expect(() => softmaxCrossEntropy(z, y)).toThrow(
          `softmaxCrossEntropy: argument 'labels' expected class ids in [0, 3), got ${bad} at flat index 1`,
        );
      }
    });
});

describe('withBackend with async functions (defect 9)', () => {
  it('refuses an async function before running it', () => {
    let ran = false;
    const e = thrown(() =>
      withBackend(f64Backend(), async () => {
        ran = true;
      }),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toMatch(/withBackend: argument 'fn' is an async function/);
    expect(ran).toBe(false);
  });

  it('refuses a function that returns a promise', () => {
    const e = thrown(() => withBackend(f64Backend(), () => Promise.resolve(1)));
    expect(e).toBeInstanceOf(ValueError);
    expect(getBackend().name).not.toBe('f64');
  });
});
