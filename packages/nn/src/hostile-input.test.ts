/**
 * Issue 25's defects in @lec/nn, each reproduced: out-of-range labels, optimizer
 * hyper-parameters, a step that would write NaN, clipGradNorm with a NaN norm, BatchNorm1d on a
 * batch of one.
 */
import { type LecError, type Tensor, ValueError, Variable, tensor, tidy } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm } from './clip.js';
import { FormatError, NonFiniteError } from './errors.js';
import { coreLayers } from './layers/core-layers.js';
import { readSafetensors } from './safetensors.js';
import { loadModel, saveModel } from './serialization.js';
import { fit } from './fit.js';
import { BatchNorm1d } from './layers/batch-norm.js';
import { Dense } from './layers/dense.js';
import { negativeLogLikelihood, softmaxCrossEntropyWithLogits } from './losses.js';
import { Adam, AdamW } from './optimizers/adam.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { RMSProp } from './optimizers/rmsprop.js';
import { SGD } from './optimizers/sgd.js';
import { trainStep } from './train-step.js';

const int = (v: number[]) => tensor(v, [v.length], { dtype: 'int32' });
const logits = () =>
  tensor([
    [1, 2, 3],
    [1, 2, 3],
  ]);

function snapshot(vars: readonly Variable[], opt: Optimizer): number[][] {
  return vars.flatMap((v) => [[...v.value.dataSync()], ...(opt.stateOf(v) ?? []).map((s) => [...s.dataSync()])]);
}

describe('labels out of range (defect 1)', () => {
  for (const reduction of ['mean', 'sum', 'none'] as const)
    it(`softmaxCrossEntropyWithLogits refuses labels 7 and -1 (reduction ${reduction})`, () => {
      expect(() => softmaxCrossEntropyWithLogits(logits(), int([0, 7]), { reduction })).toThrow(
        "softmaxCrossEntropyWithLogits: argument 'target' expected class ids in [0, 3), got 7 at index 1",
      );
      expect(() => softmaxCrossEntropyWithLogits(logits(), int([-1, 0]), { reduction })).toThrow(ValueError);
    });

  it('negativeLogLikelihood refuses labels outside [0, c)', () => {
    expect(() => negativeLogLikelihood(logits(), int([0, 3]))).toThrow(
      "negativeLogLikelihood: argument 'target' expected class ids in [0, 3), got 3 at index 1",
    );
    expect(() => negativeLogLikelihood(logits(), int([-2, 0]))).toThrow(ValueError);
  });

  it('fit refuses to train on an out-of-range label and leaves the model as it was', async () => {
    const model = new Dense(2, 3, { seed: 0 });
    const before = model.parameters().map((p) => [...p.value.dataSync()]);
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    await expect(
      fit(model, { x, y: int([0, 5]) }, { loss: softmaxCrossEntropyWithLogits, optimizer: new SGD(), batchSize: 2 }),
    ).rejects.toThrow(ValueError);
    expect(model.parameters().map((p) => [...p.value.dataSync()])).toEqual(before);
  });
});

describe('optimizer hyper-parameters are validated at construction (defect 3)', () => {
  const bad: [string, () => unknown, string][] = [
    ['Adam', () => new Adam({ beta2: 1.5 }), 'beta2'],
    ['Adam', () => new Adam({ beta1: -0.1 }), 'beta1'],
    ['Adam', () => new Adam({ beta1: 1 }), 'beta1'],
    ['Adam', () => new Adam({ epsilon: -1 }), 'epsilon'],
    ['Adam', () => new Adam({ learningRate: Number.NaN }), 'learningRate'],
    ['AdamW', () => new AdamW({ weightDecay: -1 }), 'weightDecay'],
    ['SGD', () => new SGD({ learningRate: -0.1 }), 'learningRate'],
    ['SGD', () => new SGD({ momentum: 1 }), 'momentum'],
    ['SGD', () => new SGD({ weightDecay: Number.POSITIVE_INFINITY }), 'weightDecay'],
    ['RMSProp', () => new RMSProp({ rho: 1.2 }), 'rho'],
    ['RMSProp', () => new RMSProp({ momentum: -1 }), 'momentum'],
    ['RMSProp', () => new RMSProp({ epsilon: Number.NaN }), 'epsilon'],
  ];
  for (const [op, make, arg] of bad)
    it(`${op}: '${arg}' out of range is a ValueError naming it`, () => {
      let e: unknown;
      try {
        make();
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(ValueError);
      expect((e as LecError).op).toBe(op);
      expect((e as Error).message).toContain(`'${arg}'`);
    });
});

describe('a step that fails changes nothing (defect 3)', () => {
  it('Optimizer.step refuses a NaN gradient naming the parameter; parameters and state untouched', () => {
    const w = new Variable(tensor([1, 2]), { name: 'w' });
    const b = new Variable(tensor([3]), { name: 'b' });
    const opt = new Adam({ learningRate: 0.1 });
    opt.step([w, b], [tensor([1, 1]), tensor([1])]);
    const before = snapshot([w, b], opt);
    let e: unknown;
    try {
      opt.step([w, b], [tensor([1, 1]), tensor([Number.NaN])]);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(NonFiniteError);
    expect((e as NonFiniteError).what).toBe('gradient');
    expect((e as Error).message).toContain("'b'");
    expect(snapshot([w, b], opt)).toEqual(before);
    expect(opt.iterations).toBe(1);
  });

  it('Optimizer.step refuses an update that overflows to Infinity; nothing written', () => {
    const w = new Variable(tensor([3e38]), { name: 'big' });
    const opt = new SGD({ learningRate: 1e38 });
    expect(() => opt.step([w], [tensor([-10])])).toThrow(NonFiniteError);
    expect([...w.value.dataSync()]).toEqual([Float32Array.of(3e38)[0]]);
    expect(opt.iterations).toBe(0);
  });

  it('a hand-written loop: clipGradNorm with a NaN norm is a no-op and step refuses the gradients', () => {
    const w = new Variable(tensor([1, 2]), { name: 'w' });
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const grads: Tensor[] = [tensor([Number.NaN, 1])];
    const { grads: clipped, norm } = clipGradNorm(grads, 1);
    expect(norm).toBeNaN();
    expect(clipped[0]).toBe(grads[0]);
    expect(() => opt.step([w], clipped)).toThrow(/Optimizer.step: the gradient of 'w' has NaN or infinite entries/);
    expect([...w.value.dataSync()]).toEqual([1, 2]);
    expect(opt.stateOf(w)).toBeUndefined();
  });

  it('trainStep with a NaN loss names the epoch and batch; nothing changes', () => {
    const model = new Dense(2, 1, { seed: 0 });
    const opt = new Adam();
    const x = tensor([[Number.POSITIVE_INFINITY, 0]]);
    const before = model.parameters().map((p) => [...p.value.dataSync()]);
    let e: unknown;
    try {
      tidy(() => trainStep(model, (p, t) => softmaxCrossEntropyWithLogits(p, t), opt, x, tensor([[1]]), { epoch: 2, batch: 5 }));
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(NonFiniteError);
    expect((e as NonFiniteError).batch).toBe(5);
    expect(model.parameters().map((p) => [...p.value.dataSync()])).toEqual(before);
    expect(opt.iterations).toBe(0);
  });
});

describe('BatchNorm1d in training on one value per channel (defect 9)', () => {
  it('is a ValueError instead of silent zeros; eval mode still works', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(tensor([[1, 2, 3]]))).toThrow(/BatchNorm1d.forward: argument 'x' of shape \[1, 3\] has 1 value per channel/);
    expect(
      bn.forward(
        tensor([
          [1, 2, 3],
          [3, 2, 1],
        ]),
      ).shape,
    ).toEqual([2, 3]);
    bn.eval();
    expect(bn.forward(tensor([[1, 2, 3]])).shape).toEqual([1, 3]);
  });
});

describe('safetensors headers (defect 8)', () => {
  const file = (header: string, data = new Uint8Array(8)) => {
    const json = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  const entry = '{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';

  it('refuses a repeated tensor name (another reader would keep the other one)', () => {
    expect(() => readSafetensors(file(`{"w":${entry},"w":${entry}}`))).toThrow(/readSafetensors: the JSON has the key "w" twice/);
    expect(() => readSafetensors(file(`{"w":${entry},"\\u0077":${entry}}`))).toThrow(FormatError);
    expect(readSafetensors(file(`{"w":${entry}}`)).tensors.get('w')?.shape).toEqual([2]);
  });

  it('refuses deep nesting before JSON.parse builds it (a 2 MB nested header)', () => {
    const deep = `{"w":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const rss = process.memoryUsage().rss;
    expect(() => readSafetensors(file(deep))).toThrow(/nests deeper than 3 levels/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
  });

  it('a model description with a repeated key is a FormatError', () => {
    const saved = saveModel(new Dense(2, 1, { seed: 0 }));
    const description = saved.description.replace('"config":{', '"config":{"inFeatures":3,');
    expect(() => loadModel({ ...saved, description }, coreLayers)).toThrow(FormatError);
  });
});
