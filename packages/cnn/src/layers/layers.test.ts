import { describe, expect, it } from 'vitest';
import {
  type Tensor,
  OutOfMemoryError,
  concat,
  conv2d,
  f64Backend,
  jsBackend,
  mul,
  randn,
  slice,
  sum,
  tensor,
  withBackend,
  ones,
  zeros,
} from '@lec/tensor';
import { gradCheck } from '@lec/backend-tests';
import { FormatError, Sequential, loadModel, saveModel, coreLayers } from '@lec/nn';
import { paramGradCheck } from '@lec/backend-tests';
import { Conv2d } from './conv2d.js';
import { Conv2dTranspose } from './conv2d-transpose.js';
import { Conv1d } from './conv1d.js';
import { AvgPool2d, GlobalAvgPool, GlobalMaxPool, MaxPool2d } from './pooling.js';
import { Upsample } from './upsample.js';
import { cnnLayers } from '../registry.js';
import { lenet5, smallCnn } from '../models.js';

const f64 = f64Backend();
const x64 = (shape: number[], seed: number) => randn(shape, { seed, dtype: 'float64' });
const weighted = (t: Tensor, seed: number) => sum(mul(t, randn(t.shape as number[], { seed, dtype: 'float64' })));

describe('float64 gradient checks of every layer', () => {
  const cases: [string, () => { forward(x: Tensor): Tensor; parameters(): unknown[] }, number[]][] = [
    [
      'Conv2d same, stride 2, dilation',
      () => new Conv2d(2, 3, 3, { padding: 'same', strides: 2, seed: 1, dtype: 'float64' }),
      [2, 5, 5, 2],
    ],
    ['Conv2d valid, dilation 2', () => new Conv2d(2, 2, 2, { dilations: 2, seed: 1, dtype: 'float64' }), [1, 5, 4, 2]],
    ['Conv2d groups 2', () => new Conv2d(4, 2, 3, { groups: 2, padding: 'same', seed: 1, dtype: 'float64' }), [1, 4, 4, 4]],
    [
      'Conv2dTranspose stride 2 same',
      () => new Conv2dTranspose(2, 3, 3, { strides: 2, padding: 'same', seed: 1, dtype: 'float64' }),
      [1, 3, 3, 2],
    ],
    ['Conv2dTranspose valid', () => new Conv2dTranspose(2, 1, 2, { seed: 1, dtype: 'float64' }), [2, 3, 2, 2]],
    ['MaxPool2d', () => new MaxPool2d(2), [2, 4, 5, 3]],
    ['MaxPool2d same stride 1', () => new MaxPool2d(3, { strides: 1, padding: 'same' }), [1, 4, 4, 2]],
    ['AvgPool2d same', () => new AvgPool2d(3, { strides: 2, padding: 'same' }), [1, 5, 5, 2]],
    ['GlobalAvgPool', () => new GlobalAvgPool(), [2, 3, 3, 4]],
    ['GlobalAvgPool over steps', () => new GlobalAvgPool(), [2, 5, 3]],
    ['GlobalMaxPool', () => new GlobalMaxPool(), [2, 3, 3, 4]],
    ['GlobalMaxPool over steps', () => new GlobalMaxPool(), [2, 5, 3]],
    ['Conv1d valid', () => new Conv1d(2, 3, 3, { seed: 1, dtype: 'float64' }), [2, 7, 2]],
    [
      'Conv1d same, stride 2, dilation 2',
      () => new Conv1d(2, 3, 3, { padding: 'same', stride: 2, dilation: 2, seed: 1, dtype: 'float64' }),
      [2, 9, 2],
    ],
    ['Conv1d padding 1, no bias', () => new Conv1d(3, 2, 2, { padding: 1, bias: false, seed: 1, dtype: 'float64' }), [1, 4, 3]],
    ['Upsample nearest', () => new Upsample(2), [1, 2, 3, 2]],
    ['Upsample bilinear', () => new Upsample(3, 'bilinear'), [1, 3, 2, 2]],
  ];
  for (const [name, make, shape] of cases) {
    it(name, () => {
      withBackend(f64, () => {
        const layer = make() as Conv2d;
        const x = x64(shape, 3);
        expect(gradCheck((xi) => layer.forward(xi), [x]).ok).toBe(true);
        if (layer.parameters().length > 0) {
          const r = paramGradCheck(layer, () => weighted(layer.forward(x), 4));
          expect(r.failures).toEqual([]);
        }
      });
    });
  }
});

describe('layer behaviour', () => {
  it('Conv1d computes y[n, l, o] = b[o] + Σ_k,i x[n, l·s + k·d − p, i]·W[k, i, o] (checked by loops in float64)', () => {
    withBackend(f64, () => {
      for (const [stride, dilation, pad] of [
        [1, 1, 0],
        [2, 1, 1],
        [1, 2, 2],
        [3, 2, 0],
      ]) {
        const conv = new Conv1d(3, 4, 3, { stride, dilation, padding: pad, seed: 5, dtype: 'float64' });
        conv.bias?.assign(x64([4], 9));
        const [n, steps] = [2, 11];
        const x = x64([n, steps, 3], 6);
        const y = conv.forward(x);
        const lo = Math.floor((steps + 2 * pad - dilation * 2 - 1) / stride) + 1;
        expect(y.shape).toEqual([n, lo, 4]);
        const xv = x.dataSync();
        const w = conv.weight.value.dataSync();
        const b = conv.bias?.value.dataSync() ?? new Float64Array(4);
        const got = y.dataSync();
        for (let s = 0; s < n; s++)
          for (let l = 0; l < lo; l++)
            for (let o = 0; o < 4; o++) {
              let e = b[o];
              for (let k = 0; k < 3; k++) {
                const at = l * stride + k * dilation - pad;
                if (at < 0 || at >= steps) continue;
                for (let i = 0; i < 3; i++) e += xv[(s * steps + at) * 3 + i] * w[(k * 3 + i) * 4 + o];
              }
              expect(got[(s * lo + l) * 4 + o]).toBeCloseTo(e, 12);
            }
      }
      expect(new Conv1d(3, 4, 5, { padding: 'same', stride: 2, seed: 0, dtype: 'float64' }).forward(x64([1, 9, 3], 1)).shape).toEqual([
        1, 5, 4,
      ]);
    });
  });

  it('GlobalMaxPool takes the maximum per channel; Conv1d and the global pools save and load', () => {
    expect(
      new GlobalMaxPool()
        .forward(
          tensor([
            [
              [
                [1, -2],
                [7, 0],
              ],
              [
                [3, 4],
                [-1, 9],
              ],
            ],
          ]),
        )
        .toArray(),
    ).toEqual([[7, 9]]);
    expect(
      new GlobalAvgPool()
        .forward(
          tensor([
            [
              [1, 2],
              [3, 6],
            ],
          ]),
        )
        .toArray(),
    ).toEqual([[2, 4]]);
    const model = new Sequential([new Conv1d(2, 4, 3, { padding: 'same', dilation: 2, seed: 3 }), new GlobalMaxPool()]);
    const copy = loadModel(saveModel(model), { ...coreLayers, ...cnnLayers });
    const x = randn([2, 6, 2], { seed: 4 });
    expect(Array.from(copy.forward(x).dataSync())).toEqual(Array.from(model.forward(x).dataSync()));
    const avg = loadModel(saveModel(new Sequential([new Conv1d(2, 2, 1, { padding: 2, seed: 1 }), new GlobalAvgPool()])), {
      ...coreLayers,
      ...cnnLayers,
    });
    expect(avg.forward(x).shape).toEqual([2, 2]);
  });

  it('Conv2d with groups equals separate convolutions per group', () => {
    withBackend(f64, () => {
      const conv = new Conv2d(4, 6, 3, { groups: 2, seed: 2, dtype: 'float64', bias: false });
      const x = x64([1, 5, 5, 4], 1);
      const w = conv.weight.value;
      const a = conv2d(slice(x, [0, 0, 0, 0], [-1, -1, -1, 2]), slice(w, [0, 0, 0, 0], [3, 3, 2, 3]));
      const b = conv2d(slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]), slice(w, [0, 0, 0, 3], [3, 3, 2, 3]));
      const expected = concat([a, b], 3).dataSync();
      const got = conv.forward(x).dataSync();
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    });
  });

  it('Conv2dTranspose is the adjoint of Conv2d: <conv(x), y> = <x, convT(y)>', () => {
    withBackend(f64, () => {
      const conv = new Conv2d(2, 3, 3, { strides: 2, padding: 'same', seed: 1, dtype: 'float64', bias: false });
      const up = new Conv2dTranspose(3, 2, 3, { strides: 2, padding: 'same', seed: 1, dtype: 'float64', bias: false });
      up.weight.assign(conv.weight.value);
      const x = x64([1, 6, 6, 2], 1);
      const y = x64([1, 3, 3, 3], 2);
      expect(sum(mul(conv.forward(x), y)).item()).toBeCloseTo(sum(mul(x, up.forward(y))).item(), 10);
    });
  });

  it('bilinear upsampling interpolates with half-pixel centres', () => {
    const y = new Upsample(2, 'bilinear').forward(tensor([[[[0], [4]]]]));
    expect(Array.from(y.dataSync())).toEqual([0, 1, 3, 4, 0, 1, 3, 4]);
    expect(() => new Upsample(0)).toThrow(/Upsample: argument 'scale'/);
  });

  it('shape errors name the layer and the argument', () => {
    expect(() => new Conv2d(3, 4, 3).forward(zeros([1, 5, 5, 2]))).toThrow(
      /Conv2d.forward: argument 'x' expected NHWC \[batch, height, width, 3\]/,
    );
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/argument 'groups'/);
    expect(() => new MaxPool2d(2).forward(zeros([5, 5]))).toThrow(/MaxPool2d.forward/);
  });

  it('lenet5 has 61,706 parameters and gives logits [N, 10]', () => {
    const net = lenet5({ seed: 0 });
    expect(net.numParameters()).toBe(61706);
    expect(net.forward(ones([3, 28, 28, 1])).shape).toEqual([3, 10]);
    expect(smallCnn({ seed: 0 }).forward(ones([1, 28, 28, 1])).shape).toEqual([1, 10]);
  });

  it('a CNN saves and loads to identical predictions', () => {
    withBackend(jsBackend(), () => {
      const net = new Sequential([
        new Conv2d(1, 2, 3, { padding: 'same', seed: 1 }),
        new MaxPool2d(2),
        new Conv2dTranspose(2, 1, 2, { strides: 2, seed: 2 }),
        new Upsample(2, 'bilinear'),
        new AvgPool2d(2),
        new GlobalAvgPool(),
      ]);
      const x = randn([2, 6, 6, 1], { seed: 3 });
      const saved = saveModel(net);
      const loaded = loadModel(saved, { ...coreLayers, ...cnnLayers });
      expect(Array.from(loaded.forward(x).dataSync())).toEqual(Array.from(net.forward(x).dataSync()));
    });
  });
});

describe('loadModel with bad cnn configs (issue 25, defect 7)', () => {
  // each mutation of a valid description must give the documented FormatError, never a ValueError
  const mutations: [string, (config: Record<string, unknown>, type: string) => void][] = [
    ['kernelSize 0', (c, t) => t === 'Conv2d' && (c.kernelSize = [0, 3])],
    ['kernelSize 3 entries', (c, t) => t === 'Conv2d' && (c.kernelSize = [3, 3, 3])],
    ['strides 0', (c, t) => t === 'Conv2d' && (c.strides = [0, 1])],
    ['dilations -1', (c, t) => t === 'Conv2d' && (c.dilations = [-1, 1])],
    ['padding nonsense', (c, t) => t === 'Conv2d' && (c.padding = 'middle')],
    ['padding negative', (c, t) => t === 'Conv2d' && (c.padding = -2)],
    ['groups not dividing the channels', (c, t) => t === 'Conv2d' && (c.groups = 2)],
    ['windowSize 0', (c, t) => t === 'MaxPool2d' && (c.windowSize = [0, 0])],
    ['pool strides 0', (c, t) => t === 'MaxPool2d' && (c.strides = [0, 0])],
    ['transpose strides 0', (c, t) => t === 'Conv2dTranspose' && (c.strides = [0, 2])],
    ['upsample factor 0', (c, t) => t === 'Upsample' && (c.scale = 0)],
  ];
  const net = () =>
    new Sequential([
      new Conv2d(1, 3, 3, { padding: 'same', seed: 1 }),
      new MaxPool2d(2),
      new Conv2dTranspose(3, 1, 2, { strides: 2, seed: 2 }),
      new Upsample(2),
    ]);
  for (const [name, mutate] of mutations)
    it(`${name}: FormatError`, () => {
      const saved = saveModel(net());
      const root = JSON.parse(saved.description);
      let changed = false;
      for (const layer of root.model.config.layers) {
        const before = JSON.stringify(layer.config);
        mutate(layer.config, layer.type);
        changed ||= JSON.stringify(layer.config) !== before;
      }
      expect(changed).toBe(true);
      let e: unknown;
      try {
        loadModel({ description: JSON.stringify(root), weights: saved.weights }, { ...coreLayers, ...cnnLayers });
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(FormatError);
      expect((e as Error).message).toMatch(/^loadModel: /);
    });
});

describe('huge upsampling (issue 25, defect 4)', () => {
  it('Upsample(1e6) refuses the output with an OutOfMemoryError before building its plans', () => {
    expect(() => new Upsample(1e6).forward(zeros([1, 10, 10, 1]))).toThrow(OutOfMemoryError);
  });
});
