import { type Tensor, ValueError, Variable, add, getBackend, jsBackend, mul, randn, setBackend, tensor } from '@lec/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Adam,
  Dense,
  Dropout,
  FormatError,
  ReLU,
  SGD,
  Sequential,
  type FitOptions,
  fit,
  loadOptimizer,
  meanSquaredError,
  modelCheckpoint,
  readSafetensors,
  saveOptimizer,
  trainStep,
  warmup,
  writeSafetensors,
} from '../src/index.js';
import { resetBackendHint } from '../src/fit.js';

const data = () => {
  const x = randn([40, 3], { seed: 1 });
  const y = add(mul(x, tensor([0.5, -1, 2])), 0.1);
  return { x, y };
};

const net = (seed: number) =>
  new Sequential([new Dense(3, 8, { seed }), new ReLU(), new Dropout(0.25, { seed: seed + 1 }), new Dense(8, 3, { seed: seed + 2 })]);

const weightsOf = (m: Sequential) => m.parameters().map((p) => Array.from(p.value.dataSync()));

/** Captures what process.stdout receives while fn runs. */
async function captureStdout(fn: () => Promise<unknown>, isTTY = false): Promise<string> {
  // cli-progress draws its bar on stderr; fit's lines go to stdout
  const streams = [process.stdout, process.stderr] as unknown as { write: (s: string) => boolean; isTTY: boolean }[];
  const saved = streams.map((s) => [s.write, s.isTTY] as const);
  let text = '';
  for (const s of streams) {
    s.write = (chunk: string) => {
      text += String(chunk);
      return true;
    };
    s.isTTY = isTTY;
  }
  try {
    await fn();
  } finally {
    streams.forEach((s, i) => {
      s.write = saved[i][0];
      s.isTTY = saved[i][1];
    });
  }
  return text;
}

const base = (extra: Partial<FitOptions> = {}): FitOptions => ({
  loss: meanSquaredError,
  optimizer: new Adam({ learningRate: 0.01 }),
  epochs: 3,
  batchSize: 8,
  backendHint: false,
  ...extra,
});

describe('fit reports', () => {
  afterEach(() => resetBackendHint());

  it('verbose 2 (and auto off a terminal) prints one line per epoch with loss, metrics and time', async () => {
    const out = await captureStdout(() => fit(net(0), data(), base({ verbose: 2 })));
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/3: loss \d+\.\d{4} \(\d+\.\d\d s\)$/);
    const auto = await captureStdout(() => fit(net(0), data(), base()));
    expect(auto.trim().split('\n')).toHaveLength(3);
    expect(await captureStdout(() => fit(net(0), data(), base({ verbose: 0 })))).toBe('');
  });

  it('on a terminal the bar shows the running mean of the loss, not the last batch', async () => {
    const batchLosses: number[] = [];
    const out = await captureStdout(
      () => fit(net(0), data(), base({ epochs: 1, verbose: 1, callbacks: { onBatchEnd: (l) => void batchLosses.push(l.loss) } })),
      true,
    );
    const shown = [...out.matchAll(/mean loss (\d+\.\d{4})/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(0);
    const means = batchLosses.map((_, i) => batchLosses.slice(0, i + 1).reduce((a, b) => a + b) / (i + 1));
    for (const v of shown) expect(means.some((m) => Math.abs(m - v) < 6e-5)).toBe(true);
  });

  it('says once, on the first epoch, that training runs on the js backend', async () => {
    // setBackend, not withBackend: fit is async and withBackend ends at the first await
    const run = async () => {
      const before = getBackend();
      setBackend(jsBackend());
      try {
        return await captureStdout(() => fit(net(0), data(), base({ epochs: 1, verbose: 2, backendHint: true })));
      } finally {
        setBackend(before);
      }
    };
    const first = await run();
    expect(first).toMatch(/training on the 'js' backend.*ready\(\).*wasmBackend/);
    expect(first.indexOf("'js' backend")).toBeLessThan(first.indexOf('epoch 1/1'));
    expect(await run()).not.toMatch(/'js' backend/);
  });

  it('rejects bad verbose and yieldEvery values before training', async () => {
    await expect(fit(net(0), data(), base({ verbose: 3 as never }))).rejects.toThrow(/fit: option 'verbose'/);
    await expect(fit(net(0), data(), base({ yieldEvery: -5 }))).rejects.toThrow(ValueError);
  });
});

describe('fit yields to the event loop', () => {
  it("yieldEvery 'batch' lets other tasks run between batches; 'never' does not", async () => {
    const probe = async (yieldEvery: FitOptions['yieldEvery']) => {
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      let sawDuringFit = false;
      await fit(net(0), data(), base({ epochs: 1, verbose: 0, yieldEvery, callbacks: { onBatchEnd: () => void (sawDuringFit ||= ran) } }));
      await new Promise((r) => setImmediate(r));
      return sawDuringFit;
    };
    expect(await probe('batch')).toBe(true);
    expect(await probe(0)).toBe(true);
    expect(await probe('never')).toBe(false);
    expect(await probe('auto')).toBe(false); // Node: 'auto' never yields
  });

  it('yielding does not change the result', async () => {
    const a = net(0);
    const b = net(0);
    await fit(a, data(), base({ verbose: 0, yieldEvery: 'batch' }));
    await fit(b, data(), base({ verbose: 0, yieldEvery: 'never' }));
    expect(weightsOf(a)).toEqual(weightsOf(b));
  });
});

describe('learning-rate schedule hook', () => {
  it('sets the rate before each epoch and logs it', async () => {
    const optimizer = new SGD({ learningRate: 0.1 });
    const seen: number[] = [];
    const h = await fit(net(0), data(), {
      ...base({ optimizer, verbose: 0 }),
      learningRateSchedule: (epoch, lr) => {
        seen.push(lr);
        return epoch === 0 ? lr : lr / 2;
      },
    });
    expect(seen).toEqual([0.1, 0.1, 0.05]);
    expect(h.epochs.map((e) => e.lr)).toEqual([0.1, 0.05, 0.025]);
    expect(optimizer.learningRate).toBe(0.025);
    await expect(fit(net(0), data(), { ...base({ verbose: 0 }), learningRateSchedule: () => Number.NaN })).rejects.toThrow(
      /learningRateSchedule returned NaN for epoch 0/,
    );
  });
});

describe('checkpoints and resuming', () => {
  const options = (optimizer: Adam, extra: Partial<FitOptions> = {}): FitOptions => ({
    loss: meanSquaredError,
    optimizer,
    epochs: 5,
    batchSize: 7,
    seed: 3,
    verbose: 0,
    // the augmentation draws from fit's generator, so its position must be restored too
    augment: (batch, rng) => ({
      x: add(
        batch.x,
        tensor(
          Float32Array.from(rng.normal(batch.x.size), (v) => v * 0.01),
          batch.x.shape,
        ),
      ),
      y: batch.y,
    }),
    learningRateSchedule: (epoch) => 0.02 / (1 + epoch),
    ...extra,
  });

  it('a resumed fit gives bit-identical weights to an uninterrupted run (Adam, dropout, shuffling, augmentation)', async () => {
    const straight = net(0);
    const full = await fit(straight, data(), options(new Adam({ learningRate: warmup(4, 0.01) })));

    const checkpoints: Uint8Array[] = [];
    const first = net(0);
    await fit(first, data(), {
      ...options(new Adam({ learningRate: warmup(4, 0.01) })),
      epochs: 2,
      callbacks: [modelCheckpoint({ save: (bytes) => void checkpoints.push(bytes) })],
    });
    expect(checkpoints).toHaveLength(2);
    // a new process: a differently initialised model, a new optimizer
    const resumed = net(100);
    const rest = await fit(resumed, data(), { ...options(new Adam({ learningRate: warmup(4, 0.01) })), resumeFrom: checkpoints[1] });
    expect(rest.epochs).toHaveLength(5);
    expect(rest.epochs.map((e) => e.loss)).toEqual(full.epochs.map((e) => e.loss));
    const w1 = weightsOf(straight);
    const w2 = weightsOf(resumed);
    w1.forEach((w, i) => expect(Float32Array.from(w2[i])).toEqual(Float32Array.from(w)));
    // and the check can fail: resuming from the earlier checkpoint with too few epochs differs
    const short = net(100);
    await fit(short, data(), { ...options(new Adam({ learningRate: warmup(4, 0.01) })), epochs: 4, resumeFrom: checkpoints[0] });
    expect(weightsOf(short)).not.toEqual(w1);
  });

  it('modelCheckpoint saves every n epochs, or only improvements', async () => {
    const every: number[] = [];
    const improving: number[] = [];
    const worsening: number[] = [];
    const h = await fit(new Dense(3, 3, { seed: 0 }), data(), {
      ...base({ epochs: 6, verbose: 0, optimizer: new SGD({ learningRate: 0.05 }) }),
      callbacks: [
        modelCheckpoint({ every: 2, save: (_, logs) => void every.push(logs.epoch) }),
        modelCheckpoint({ saveBestOnly: true, save: (_, logs) => void improving.push(logs.epoch) }),
        modelCheckpoint({ saveBestOnly: true, mode: 'max', save: (_, logs) => void worsening.push(logs.epoch) }),
      ],
    });
    const losses = h.epochs.map((e) => e.loss);
    expect(losses.every((l, i) => i === 0 || l < losses[i - 1])).toBe(true); // the loss falls every epoch
    expect(every).toEqual([1, 3, 5]);
    expect(improving).toEqual([0, 1, 2, 3, 4, 5]);
    expect(worsening).toEqual([0]);
    expect(() => modelCheckpoint({ save: () => {}, every: 0 })).toThrow(/modelCheckpoint: option 'every'/);
  });

  it('a checkpoint for another model or a corrupted one is a FormatError and changes nothing', async () => {
    let bytes: Uint8Array | undefined;
    await fit(net(0), data(), { ...base({ epochs: 1, verbose: 0 }), callbacks: [modelCheckpoint({ save: (b) => void (bytes = b) })] });
    const other = new Sequential([new Dense(3, 4, { seed: 0 }), new Dense(4, 3, { seed: 1 })]);
    const before = weightsOf(other);
    const optimizer = new Adam();
    await expect(fit(other, data(), { ...base({ verbose: 0, optimizer }), resumeFrom: bytes })).rejects.toThrow(FormatError);
    expect(weightsOf(other)).toEqual(before);
    expect(optimizer.iterations).toBe(0);
    const notCheckpoint = writeSafetensors([['w', tensor([1])]]);
    await expect(fit(net(0), data(), { ...base({ verbose: 0 }), resumeFrom: notCheckpoint })).rejects.toThrow(
      /not a version-1 lec training checkpoint/,
    );
  });
});

describe('optimizer state save/load', () => {
  it('Adam moments, step count and learning rate round-trip; training continues identically', () => {
    const x = randn([8, 3], { seed: 4 });
    const y = randn([8, 3], { seed: 5 });
    const plain = (seed: number) => new Sequential([new Dense(3, 8, { seed }), new ReLU(), new Dense(8, 3, { seed: seed + 1 })]);
    const a = plain(0);
    const optA = new Adam({ learningRate: 0.01 });
    for (let i = 0; i < 3; i++) trainStep(a, meanSquaredError, optA, x, y);
    const bytes = saveOptimizer(optA, a);
    const file = readSafetensors(bytes);
    expect(file.metadata.iterations).toBe('3');
    expect(file.tensors.get('0.weight/0')?.shape).toEqual([3, 8]);
    // a copy of the model and a fresh optimizer loaded from the file continue the same way
    const b = plain(50);
    b.parameters().forEach((p, i) => p.assign(mul(a.parameters()[i].value, 1)));
    const optB = new Adam({ learningRate: 0.5 });
    loadOptimizer(optB, b, bytes);
    expect(optB.iterations).toBe(3);
    expect(optB.learningRate).toBe(0.01);
    trainStep(a, meanSquaredError, optA, x, y);
    trainStep(b, meanSquaredError, optB, x, y);
    expect(weightsOf(b)).toEqual(weightsOf(a));
  });

  it('loadState rejects mismatched names and shapes and keeps the old state', () => {
    const w = new Variable(tensor([1, 2]));
    const opt = new Adam();
    opt.step([w], [tensor([1, 1])]);
    const good = opt.state([['w', w]]);
    expect(() => opt.loadState([['w', w]], { ...good, slots: [['w', [tensor([1, 2, 3]), tensor([1, 2, 3])]]] })).toThrow(/has shape \[3\]/);
    expect(() => opt.loadState([['w', w]], { ...good, slots: [['v', good.slots[0][1]]] })).toThrow(/'v', which is not among the variables/);
    expect(() => opt.loadState([['w', w]], { ...good, iterations: -1 })).toThrow(/state.iterations/);
    expect(opt.iterations).toBe(1);
    expect(Array.from(opt.stateOf(w)![0].dataSync())).toEqual(Array.from(good.slots[0][1][0].dataSync()));
    const model = new Dense(2, 2, { seed: 0 });
    expect(() =>
      loadOptimizer(new Adam(), model, writeSafetensors([['nope/0', tensor([1])]], { format: 'lec-optimizer', iterations: '1' })),
    ).toThrow(/names 'nope', which is not a parameter/);
  });
});

export type { Tensor };

describe('summary and printing', () => {
  it('summary lists layers in call order with output shapes and parameter counts (trainable / not)', async () => {
    const { BatchNorm1d, summary } = await import('../src/index.js');
    const model = new Sequential([new Dense(4, 8, { seed: 0 }), new BatchNorm1d(8), new ReLU(), new Dense(8, 2, { seed: 1 })]);
    const s = summary(model, [4]);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params, r.trainable])).toEqual([
      ['0', 'Dense', [-1, 8], 40, 40],
      ['1', 'BatchNorm1d', [-1, 8], 32, 16],
      ['2', 'ReLU', [-1, 8], 0, 0],
      ['3', 'Dense', [-1, 2], 18, 18],
    ]);
    expect([s.params, s.trainable, s.nonTrainable]).toEqual([90, 74, 16]);
    expect(String(s)).toContain('Non-trainable params: 16');
    expect(String(s)).toContain('1 (BatchNorm1d)  [-1, 8]');
    // the model is left as it was: training mode, forward not shadowed
    expect(model.training).toBe(true);
    expect(Object.hasOwn(model.layers[0], 'forward')).toBe(false);
    expect(() => summary(model, [0])).toThrow(/summary: argument 'inputShape'/);
  });

  it('modules print as a tree of types, configs and parameter counts (console.log too)', async () => {
    const { inspect } = await import('node:util');
    const model = new Sequential([new Dense(2, 3, { seed: 0 }), new ReLU()]);
    expect(String(model)).toBe(
      'Sequential (9 parameters)\n  0: Dense {"inFeatures":2,"outFeatures":3,"bias":true} (9 parameters)\n  1: ReLU',
    );
    expect(inspect(model)).toBe(String(model));
  });
});
