import { type Tensor, ShapeError, Variable, add, getBackend, mul, ones, randn, sum, tensor, tidy, variableGrads, zeros } from '@lec/tensor';
import { describe, expect, it, vi } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Dense,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  LayerNorm,
  LeakyReLU,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '../src/index.js';
import { gradCheck, onF64, project, randVar } from './gradcheck.js';

const f64 = { dtype: 'float64' as const };

function checkLayer(make: () => Module, inputShape: number[], options: { seed?: number; input?: () => Variable } = {}) {
  onF64(() => {
    const layer = make();
    const x = options.input ? options.input() : randVar(inputShape, options.seed ?? 1);
    const vars = [x, ...layer.trainableParameters()];
    const r = gradCheck(() => project(layer.forward(x.value)), vars);
    expect(r.worst && r.ok ? 'ok' : r, `${layer.type}: ${JSON.stringify(r.worst)}`).toBe('ok');
  });
}

describe('gradient checks (float64, central differences, eps 1e-6, atol 1e-5, rtol 1e-3)', () => {
  it('Dense (rank 2, rank 3 and rank 1 inputs)', () => {
    checkLayer(() => new Dense(3, 4, { seed: 0, ...f64, biasInit: (s) => randn(s, { seed: 5, ...f64 }) }), [2, 3]);
    checkLayer(() => new Dense(3, 2, { seed: 0, ...f64 }), [2, 2, 3]);
    checkLayer(() => new Dense(3, 2, { seed: 0, ...f64, bias: false }), [3]);
  });
  it('activations', () => {
    for (const make of [
      () => new ReLU(),
      () => new Tanh(),
      () => new Sigmoid(),
      () => new LeakyReLU(0.1),
      () => new ELU(0.7),
      () => new Softmax(),
      () => new Softmax(0),
    ]) {
      checkLayer(make, [3, 4], { seed: 2 });
    }
  });
  it('Sequential', () => {
    checkLayer(() => new Sequential([new Dense(3, 5, { seed: 0, ...f64 }), new Tanh(), new Dense(5, 2, { seed: 1, ...f64 })]), [4, 3]);
  });
  it('Dropout (fixed seed so the mask is the same in every evaluation) and eval mode', () => {
    onF64(() => {
      const x = randVar([4, 5], 1);
      // a fresh layer per evaluation: the same seed gives the same mask
      const r = gradCheck(() => project(new Dropout(0.5, { seed: 3 }).forward(x.value)), [x]);
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
    checkLayer(() => new Dropout(0.5, { seed: 3 }).eval(), [4, 5]);
  });
  it('Embedding (gradient w.r.t. the table)', () => {
    onF64(() => {
      const emb = new Embedding(5, 3, { seed: 0, ...f64 });
      const ids = tensor(
        [
          [1, 3, 1],
          [0, 4, 2],
        ],
        undefined,
        { dtype: 'int32' },
      );
      const r = gradCheck(() => project(emb.forward(ids)), emb.trainableParameters());
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  });
  it('Flatten', () => checkLayer(() => new Flatten(), [2, 3, 2, 2]));
  it('LayerNorm (one and two normalised axes)', () => {
    const affine = (ln: LayerNorm) => {
      ln.weight!.assign(randn(ln.normalizedShape, { seed: 11, ...f64 }));
      ln.bias!.assign(randn(ln.normalizedShape, { seed: 12, ...f64 }));
      return ln;
    };
    checkLayer(() => affine(new LayerNorm(4, f64)), [3, 4]);
    checkLayer(() => affine(new LayerNorm([2, 3], f64)), [2, 2, 3]);
  });
  it('BatchNorm1d and BatchNorm2d, training and evaluation mode', () => {
    checkLayer(() => new BatchNorm1d(3, f64), [5, 3]);
    checkLayer(() => new BatchNorm1d(3, f64), [2, 4, 3]);
    checkLayer(() => new BatchNorm2d(2, f64), [2, 3, 3, 2]);
    checkLayer(() => {
      const bn = new BatchNorm2d(2, f64);
      bn.forward(randn([4, 2, 2, 2], { seed: 9, ...f64 }));
      return bn.eval();
    }, [2, 3, 3, 2]);
  });
});

describe('Module', () => {
  class Block extends Module {
    readonly type = 'Block';
    readonly encoder = this.addModule('encoder', new Sequential([new Dense(2, 3, { seed: 0 }), new ReLU(), new Dense(3, 2, { seed: 1 })]));
    readonly scale = this.addParameter('scale', ones([2]));
    forward(x: Tensor): Tensor {
      return mul(this.encoder.forward(x), this.scale.value);
    }
  }

  it('names parameters with dotted paths, own first, children in order', () => {
    const names = new Block().namedParameters().map(([n]) => n);
    expect(names).toEqual(['scale', 'encoder.0.weight', 'encoder.0.bias', 'encoder.2.weight', 'encoder.2.bias']);
  });

  it('separates trainable from non-trainable parameters', () => {
    const bn = new BatchNorm1d(4);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    expect(bn.trainableParameters().map((v) => v.name)).toEqual(['weight', 'bias']);
    expect(bn.numParameters()).toBe(16);
  });

  it('propagates train/eval mode to children', () => {
    const net = new Sequential([new Dense(2, 2, { seed: 0 }), new Dropout(0.5, { seed: 1 })]);
    net.eval();
    expect(net.layers.every((l) => !l.training)).toBe(true);
    net.train();
    expect(net.layers.every((l) => l.training)).toBe(true);
  });

  it('rejects bad and duplicate names', () => {
    class Bad extends Module {
      readonly type = 'Bad';
      constructor(name: string) {
        super();
        this.addParameter('w', zeros([1]));
        this.addParameter(name, zeros([1]));
      }
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new Bad('w')).toThrow(/already used/);
    expect(() => new Bad('a.b')).toThrow(/letters, digits/);
  });

  it('applies one layer twice in one graph (weight sharing): gradients from both uses add up', () => {
    onF64(() => {
      const shared = new Dense(3, 3, { seed: 0, ...f64 });
      const x = randVar([2, 3], 1);
      const r = gradCheck(() => project(shared.forward(new Tanh().forward(shared.forward(x.value)))), [x, ...shared.trainableParameters()]);
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  });

  it('forward is a pure function of parameters and input', () => {
    const d = new Dense(3, 2, { seed: 0 });
    const a = randn([4, 3], { seed: 1 });
    const b = randn([4, 3], { seed: 2 });
    const ya = d.forward(a).dataSync();
    d.forward(b);
    expect(d.forward(a).dataSync()).toEqual(ya);
  });

  it('frees nothing it should keep and leaks nothing per forward', () => {
    const net = new Sequential([
      new Dense(4, 8, { seed: 0 }),
      new ReLU(),
      new LayerNorm(8),
      new BatchNorm1d(8),
      new Dense(8, 2, { seed: 1 }),
    ]);
    const x = randn([5, 4], { seed: 0 });
    tidy(() => net.forward(x)).dispose();
    const before = getBackend().liveBuffers();
    for (let i = 0; i < 3; i++) tidy(() => net.forward(x)).dispose();
    expect(getBackend().liveBuffers()).toBe(before);
  });
});

describe('layer behaviour', () => {
  it('Dense computes x·W + b with W [in, out] and checks the input', () => {
    const d = new Dense(2, 3, { seed: 0 });
    d.weight.assign(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    d.bias!.assign(tensor([1, 1, 1]));
    expect(d.forward(tensor([[1, 1]])).toArray()).toEqual([[6, 8, 10]]);
    expect(() => d.forward(zeros([2, 5]))).toThrow(ShapeError);
    expect(() => d.forward(zeros([2, 5]))).toThrow(/Dense.forward: argument 'x' expected shape \[\.\.\., 2\], got \[2, 5\]/);
  });

  it('the same seed gives the same initial weights', () => {
    expect(new Dense(4, 4, { seed: 7 }).weight.value.dataSync()).toEqual(new Dense(4, 4, { seed: 7 }).weight.value.dataSync());
    expect(new Dense(4, 4, { seed: 7 }).weight.value.dataSync()).not.toEqual(new Dense(4, 4, { seed: 8 }).weight.value.dataSync());
  });

  it('Dropout zeroes about rate of the entries, scales the rest, and is the identity in eval mode', () => {
    const drop = new Dropout(0.25, { seed: 1 });
    const y = drop.forward(ones([10000])).dataSync();
    const zerosCount = y.filter((v) => v === 0).length;
    expect(zerosCount / 10000).toBeGreaterThan(0.22);
    expect(zerosCount / 10000).toBeLessThan(0.28);
    expect(y.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(
      drop
        .eval()
        .forward(ones([3]))
        .toArray(),
    ).toEqual([1, 1, 1]);
    expect(() => new Dropout(1)).toThrow(/rate/);
  });

  it('Embedding looks rows up and wants int32 ids', () => {
    const e = new Embedding(3, 2, { seed: 0 });
    e.weight.assign(
      tensor([
        [0, 1],
        [2, 3],
        [4, 5],
      ]),
    );
    expect(e.forward(tensor([2, 0], undefined, { dtype: 'int32' })).toArray()).toEqual([
      [4, 5],
      [0, 1],
    ]);
    expect(() => e.forward(tensor([1]))).toThrow(/int32/);
  });

  it('LayerNorm gives zero mean and unit variance per sample', () => {
    const y = new LayerNorm(4)
      .forward(
        tensor([
          [1, 2, 3, 4],
          [10, 20, 30, 50],
        ]),
      )
      .toArray() as number[][];
    for (const row of y) {
      const m = row.reduce((a, b) => a + b) / 4;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 3);
    }
  });

  it('BatchNorm updates running statistics in training mode and uses them in eval mode', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 });
    const x = tensor([
      [1, 10],
      [3, 30],
    ]);
    bn.forward(x);
    expect(Array.from(bn.runningMean.value.dataSync())).toEqual([1, 10]); // 0.5·0 + 0.5·[2, 20]
    // unbiased batch variance [2, 200]: 0.5·1 + 0.5·[2, 200]
    expect(Array.from(bn.runningVar.value.dataSync())).toEqual([1.5, 100.5]);
    const y = bn
      .eval()
      .forward(tensor([[1, 10]]))
      .dataSync();
    expect(y[0]).toBeCloseTo((1 - 1) / Math.sqrt(1.5 + 1e-5), 5);
    expect(y[1]).toBeCloseTo(0, 5);
    expect(() => new BatchNorm2d(2).forward(zeros([2, 2]))).toThrow(/\[n, h, w, 2\] \(channels last\)/);
  });

  it('Flatten keeps the batch axis', () => {
    expect(new Flatten().forward(zeros([3, 4, 5, 2])).shape).toEqual([3, 40]);
  });

  it('Sequential chains', () => {
    const s = new Sequential().add(new Dense(2, 2, { seed: 0 })).add(new ReLU());
    expect(s.layers.length).toBe(2);
    expect(s.forward(add(zeros([1, 2]), -1)).shape).toEqual([1, 2]);
  });

  it('a Variable outside the model is not a parameter', () => {
    const v = new Variable(zeros([1]));
    expect(new Dense(1, 1, { seed: 0 }).parameters()).not.toContain(v);
  });
});

describe('Sequential fuses Dense with the activation after it', () => {
  /** The model's output and its gradients with respect to x and every parameter, fused or layer by layer. */
  const run = (fused: boolean) => {
    const layers = [
      new Dense(5, 7, { seed: 1 }),
      new ReLU(),
      new Dense(7, 3, { seed: 2 }),
      new Tanh(),
      new Dense(3, 4, { seed: 3 }),
      new Sigmoid(),
    ];
    const model = new Sequential(layers);
    const x = new Variable(randn([6, 5], { seed: 4 }));
    const w = tensor(
      Array.from({ length: 24 }, (_, i) => (i % 5) - 2),
      [6, 4],
    );
    const forward = () => {
      let y = x.value;
      if (fused) y = model.forward(y);
      else for (const l of layers) y = l.forward(y);
      return sum(mul(y, w));
    };
    const { grads } = variableGrads(forward, [x, ...model.parameters()]);
    return grads.map((g) => Array.from(g.dataSync()));
  };

  it('same gradients as the layers one by one (relu, tanh, sigmoid)', () => {
    const spy = vi.spyOn(getBackend().fastPaths, 'biasActivationBackward');
    const fused = run(true);
    const calls = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    expect(calls.sort()).toEqual(['relu', 'sigmoid', 'tanh']);
    const plain = run(false);
    fused.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(plain[i][j], 5)));
  });

  it('leaves a subclass of an activation layer alone', () => {
    class Shifted extends ReLU {
      override forward(x: Tensor): Tensor {
        return add(super.forward(x), 1);
      }
    }
    const dense = new Dense(2, 2, { seed: 5 });
    const y = new Sequential([dense, new Shifted()]).forward(tensor([[1, -1]]));
    const want = add(new ReLU().forward(dense.forward(tensor([[1, -1]]))), 1);
    expect(y.toArray()).toEqual(want.toArray());
  });
});
