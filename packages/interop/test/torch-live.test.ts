/**
 * The live round trip lec → state_dict → PyTorch → same outputs: lec models (random weights,
 * BatchNorm statistics moved off their defaults) are written with toTorchStateDict and
 * torchModuleSource, loaded by torch with load_state_dict(strict=True), and run there.
 * Runs when Python can import torch and safetensors; skipped with the reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graph } from '@lec/gcn';
import { type Sequential, readSafetensors, writeSafetensors } from '@lec/nn';
import { type Tensor, Rng, jsBackend, setBackend, tensor } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTorchStateDict, torchModuleSource } from '../src/index.js';
import { permute } from '../src/layout.js';
import { expectClose } from './helpers.js';
import { lecModels } from './models.js';

const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import torch, safetensors; print(torch.__version__)'], { encoding: 'utf8' });
const torchVersion = probe.status === 0 ? probe.stdout.trim() : null;
const reason = `Python's torch and safetensors are not importable (${python}: ${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()}); install torch==2.13.0+cpu and safetensors to run the live round trip`;
if (!torchVersion) console.log(`torch-live: skipped: ${reason}`);

beforeAll(() => setBackend(jsBackend()));

const inputShapes: Record<keyof typeof lecModels, number[]> = {
  lenet5: [3, 28, 28, 1],
  mlp: [6, 20],
  bilstm: [4, 7],
  gru: [3, 9, 5],
  'conv-autoencoder': [2, 16, 16, 1],
  gcn: [7, 6],
};
const edges: [number, number][] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 0],
  [3, 4],
  [4, 5],
  [5, 6],
  [1, 5],
];

interface Case {
  dir: string;
  lec: Tensor;
}

/** Builds each model, runs it in lec and writes its files for torch. */
function prepare(name: keyof typeof lecModels, root: string): Case {
  const rng = new Rng(7);
  const model = lecModels[name]();
  const shape = inputShapes[name];
  const size = shape.reduce((a, b) => a * b, 1);
  const ids = name === 'bilstm';
  const values = Float32Array.from({ length: size }, () => (ids ? Math.floor(rng.uniform(1)[0] * 30) : rng.uniform(1)[0] * 2 - 1));
  const x = ids ? tensor(Int32Array.from(values), shape, { dtype: 'int32' }) : tensor(values, shape);
  const run = (): Tensor => (name === 'gcn' ? model.forward({ graph: Graph.fromEdges(7, edges), x }) : model.forward(x));
  if (name === 'mlp' || name === 'conv-autoencoder') run(); // training mode: the BatchNorm running statistics move
  model.eval();
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'weights.safetensors'), toTorchStateDict(model));
  if (name === 'gcn') writeFileSync(join(dir, 'gcn.json'), JSON.stringify({ nodes: 7, edges, in: 6, out: 4 }));
  else writeFileSync(join(dir, 'model.py'), torchModuleSource(model as Sequential));
  const torchInput = shape.length === 4 ? tensor(permute(values, shape, [0, 3, 1, 2]), [shape[0], shape[3], shape[1], shape[2]]) : x;
  writeFileSync(join(dir, 'input.safetensors'), writeSafetensors({ input: torchInput }));
  return { dir, lec: run() };
}

describe.skipIf(!torchVersion)(`toTorchStateDict → PyTorch ${torchVersion ?? ''} (live)`, () => {
  const names = Object.keys(lecModels) as (keyof typeof lecModels)[];
  const cases = new Map<string, Case>();
  let root = '';
  let torchRun: ReturnType<typeof spawnSync> | null = null;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lec-torch-'));
    for (const name of names) cases.set(name, prepare(name, root));
    const script = fileURLToPath(new URL('../fixtures/torch_roundtrip.py', import.meta.url));
    // one Python process for every model (importing torch takes seconds)
    torchRun = spawnSync(python, [script, ...names.map((n) => cases.get(n)!.dir)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const name of names) {
    it(`${name}: torch loads lec's weights with strict=True and gives lec's outputs (rtol 1e-5)`, () => {
      expect(torchRun?.status, String(torchRun?.stderr)).toBe(0);
      const { dir, lec } = cases.get(name)!;
      const out = readSafetensors(new Uint8Array(readFileSync(join(dir, 'output.safetensors')))).tensors.get('output')!;
      const nhwc = out.shape.length === 4;
      const expected = nhwc ? permute(out.data, out.shape, [0, 2, 3, 1]) : out.data;
      expect(nhwc ? [out.shape[0], out.shape[2], out.shape[3], out.shape[1]] : out.shape).toEqual(lec.shape);
      expectClose(lec.dataSync(), expected, 1e-5, 1e-6);
    });
  }
});

describe('torchModuleSource', () => {
  it("writes an nn.Sequential with lec's layer indices (so state_dict names agree)", () => {
    const source = torchModuleSource(lecModels.lenet5());
    expect(source).toContain("nn.Conv2d(1, 6, 5, stride=1, padding='same', dilation=1, groups=1, bias=True),");
    expect(source).toContain('nn.Linear(400, 120, bias=True),');
    expect(source).not.toContain('_batch_first');
    expect(torchModuleSource(lecModels.bilstm())).toContain('LSTM(6, 8, num_layers=1, bidirectional=True, return_sequences=True)');
  });
});
