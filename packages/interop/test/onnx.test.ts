/**
 * ONNX export: every exported model runs in onnxruntime-node and in onnxruntime-web's
 * WebAssembly build (in Node) with outputs equal to lec's (rtol 1e-5), and passes Python's
 * onnx.checker (full_check) when `onnx` is importable (skipped with the reason otherwise).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d, lenet5 } from '@lec/cnn';
import { BatchNorm1d, Dense, Dropout, ELU, Embedding, Flatten, LeakyReLU, type Module, ReLU, Sequential, Softmax, Tanh } from '@lec/nn';
import { GRU, LSTM, RNN } from '@lec/rnn';
import { Rng, type Tensor, ShapeError, jsBackend, setBackend, tensor } from '@lec/tensor';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedLayerError, readOnnxModel, toOnnx } from '../src/index.js';
import { expectClose } from './helpers.js';
import { lecModels } from './models.js';

beforeAll(() => setBackend(jsBackend()));

interface Case {
  build: () => Module<any, any>;
  inputShape: number[];
  batch: number;
  ids?: number;
}

const cases: Record<string, Case> = {
  lenet5: { build: () => lenet5({ seed: 1 }), inputShape: [28, 28, 1], batch: 3 },
  'lenet5 (tanh, average pooling)': {
    build: () => lenet5({ seed: 2, activation: 'tanh', pooling: 'avg' }),
    inputShape: [28, 28, 1],
    batch: 2,
  },
  'mlp (BatchNorm1d, LayerNorm)': { build: lecModels.mlp, inputShape: [20], batch: 5 },
  'conv autoencoder (BatchNorm2d, ConvTranspose)': { build: lecModels['conv-autoencoder'], inputShape: [16, 16, 1], batch: 2 },
  'embedding + 2 bidirectional LSTM layers + Dense per step': { build: lecModels.bilstm, inputShape: [7], batch: 4, ids: 30 },
  'GRU, 2 layers (reset after)': { build: lecModels.gru, inputShape: [9, 5], batch: 3 },
  'GRU, reset before, every step': {
    build: () => new Sequential([new GRU(4, 6, { resetAfter: false, returnSequences: true, seed: 3 }), new Tanh()]),
    inputShape: [5, 4],
    batch: 2,
  },
  'LSTM, 3 stacked layers, last output, softmax head': {
    build: () => new Sequential([new LSTM(3, 5, { numLayers: 3, seed: 4 }), new Dense(5, 4, { seed: 5 }), new Softmax()]),
    inputShape: [6, 3],
    batch: 3,
  },
  'RNN (relu)': { build: () => new Sequential([new RNN(3, 4, { activation: 'relu', seed: 6 })]), inputShape: [5, 3], batch: 2 },
  'strided/grouped convs, same padding, pools, global pool, activations, dropout': {
    build: () =>
      new Sequential([
        new Conv2d(2, 8, 3, { strides: 2, padding: 'same', seed: 7 }),
        new LeakyReLU(0.2),
        new Conv2d(8, 8, 3, {
          groups: 4,
          padding: [
            [1, 0],
            [0, 1],
          ],
          dilations: 1,
          seed: 8,
        }),
        new ELU(0.7),
        new AvgPool2d(3, { strides: 2, padding: 'same' }),
        new MaxPool2d(2, { strides: 1 }),
        new Conv2dTranspose(8, 4, 3, { strides: 2, padding: 'same', seed: 9 }),
        new Dropout(0.5, { seed: 1 }),
        new GlobalAvgPool(),
        new Dense(4, 3, { seed: 10 }),
        new Softmax(),
      ]),
    inputShape: [11, 9, 2],
    batch: 2,
  },
  'conv → flatten → BatchNorm1d → dense': {
    build: () =>
      new Sequential([
        new Conv2d(1, 3, 3, { seed: 11 }),
        new ReLU(),
        new Flatten(),
        new BatchNorm1d(3 * 4 * 5),
        new Dense(60, 2, { seed: 12 }),
      ]),
    inputShape: [6, 7, 1],
    batch: 2,
  },
};

/** A model with its running statistics moved (training-mode passes) and a fixed input. */
function prepare(c: Case): { model: Module<any, any>; x: Tensor; lec: Float32Array; bytes: Uint8Array } {
  const rng = new Rng(3);
  const model = c.build();
  const shape = [c.batch, ...c.inputShape];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => (c.ids ? Math.floor(rng.uniform(1)[0] * c.ids) : rng.uniform(1)[0] * 2 - 1));
  const x = c.ids ? tensor(Int32Array.from(data), shape, { dtype: 'int32' }) : tensor(data, shape);
  if (!c.ids) model.forward(x); // training mode: BatchNorm statistics move off their defaults
  model.eval();
  const lec = Float32Array.from(model.forward(x).dataSync());
  return { model, x, lec, bytes: toOnnx(model, { inputShape: c.inputShape }) };
}

const prepared = new Map<string, ReturnType<typeof prepare>>();
const get = (name: string) => {
  if (!prepared.has(name)) prepared.set(name, prepare(cases[name]));
  return prepared.get(name)!;
};

async function runOrt(ort: typeof ortNode | typeof ortWeb, bytes: Uint8Array, x: Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const data = x.dtype === 'int32' ? Int32Array.from(x.dataSync()) : Float32Array.from(x.dataSync());
  const feeds = { input: new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', data, [...x.shape]) };
  const result = await session.run(feeds as never);
  const out = (result as Record<string, { data: Float32Array }>).output.data;
  await session.release();
  return Float32Array.from(out);
}

describe('toOnnx → onnxruntime-node 1.30', () => {
  for (const name of Object.keys(cases)) {
    it(`${name}: the same outputs as lec`, async () => {
      const { x, lec, bytes } = get(name);
      expectClose(await runOrt(ortNode, bytes, x), lec, 1e-5, 1e-6);
    });
  }
});

describe('toOnnx → onnxruntime-web 1.30 (its WebAssembly build, in Node)', () => {
  beforeAll(() => {
    ortWeb.env.wasm.numThreads = 1;
  });
  for (const name of Object.keys(cases)) {
    it(`${name}: the same outputs as lec`, async () => {
      const { x, lec, bytes } = get(name);
      expectClose(await runOrt(ortWeb, bytes, x), lec, 1e-5, 1e-6);
    });
  }
});

const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
const onnxVersion = probe.status === 0 ? probe.stdout.trim() : null;
if (!onnxVersion)
  console.log(
    `onnx checker: skipped: Python's onnx is not importable (${python}: ${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()}); pip install onnx to run it`,
  );

describe.skipIf(!onnxVersion)(`the exported files pass onnx.checker (onnx ${onnxVersion ?? ''}, full_check)`, () => {
  let dir = '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('every model', () => {
    dir = mkdtempSync(join(tmpdir(), 'lec-onnx-'));
    const files = Object.keys(cases).map((name, i) => {
      const file = join(dir, `model-${i}.onnx`);
      writeFileSync(file, get(name).bytes);
      return file;
    });
    const script =
      'import sys, onnx\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint("ok", len(sys.argv) - 1)';
    const r = spawnSync(python, ['-c', script, ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`ok ${files.length}`);
  });
});

describe('toOnnx errors', () => {
  it('names the layer it cannot export, and checks the input shape against the model', () => {
    expect(() => toOnnx(new Sequential([new Dense(4, 3)]), { inputShape: [5] })).toThrow(ShapeError);
    expect(() => toOnnx(new Dense(4, 3), { inputShape: [4] })).toThrow(UnsupportedLayerError);
    expect(() => toOnnx(new Sequential([new Dense(4, 3), new Embedding(3, 2)]), { inputShape: [4] })).toThrow(/Embedding/);
    expect(() => toOnnx(new Sequential([new Dense(4, 3)]), { inputShape: [4], opset: 12 })).toThrow(/opset/);
  });
  it('writes a graph with a free batch dimension and lec layouts at its edges', () => {
    const model = readOnnxModel(toOnnx(lenet5({ seed: 0 }), { inputShape: [28, 28, 1] }));
    const dims = model.graph.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims).toEqual(['batch', 28, 28, 1]);
    const ops = model.graph.node.map((n) => n.opType);
    // one Transpose into NCHW before the first conv, one back before Flatten
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(2);
    expect(ops.indexOf('Transpose')).toBe(0);
    expect(ops[ops.indexOf('Flatten') - 1]).toBe('Transpose');
  });
});
