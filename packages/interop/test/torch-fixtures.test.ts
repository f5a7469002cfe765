/**
 * PyTorch → lec with files PyTorch wrote (fixtures/make_fixtures.py, torch 2.13 CPU): each
 * state_dict loads into the lec twin of the model, and lec's output for the stored input
 * matches torch's (float32, rtol 1e-5).
 */
import { Graph } from '@lec/gcn';
import { Dense, type Module, Sequential, readSafetensors } from '@lec/nn';
import { GRU } from '@lec/rnn';
import { type Tensor, jsBackend, setBackend, tensor } from '@lec/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { MismatchError, fromTorchStateDict, nhwcToNchwOrder } from '../src/index.js';
import { expectClose, fixtureBytes, fixtureIo, nchwToNhwc } from './helpers.js';
import { lecModels } from './models.js';

beforeAll(() => setBackend(jsBackend()));

/** Runs a lec model on a fixture's stored input (converted to lec's layouts); returns [lec output, torch output]. */
export function runOnFixture(name: keyof typeof lecModels, model: Module<any, any>): [Float32Array, Float32Array] {
  const { tensors, metadata } = fixtureIo(name);
  const input = tensors.get('input')!;
  const output = tensors.get('output')!;
  model.eval();
  let y: Tensor;
  if (name === 'gcn') {
    const edges = JSON.parse(metadata.edges) as [number, number][];
    y = model.forward({ graph: Graph.fromEdges(Number(metadata.nodes), edges), x: tensor(input.data, input.shape) });
  } else if (input.shape.length === 4) {
    const x = nchwToNhwc(input);
    y = model.forward(tensor(x.data, x.shape));
  } else {
    y = model.forward(tensor(input.data, input.shape, { dtype: input.dtype }));
  }
  const expected = output.shape.length === 4 ? nchwToNhwc(output) : { data: Float32Array.from(output.data), shape: output.shape };
  expect(y.shape).toEqual(expected.shape);
  return [Float32Array.from(y.dataSync()), expected.data];
}

describe('fromTorchStateDict with files written by PyTorch', () => {
  for (const name of Object.keys(lecModels) as (keyof typeof lecModels)[]) {
    it(`${name}: lec's output equals torch's within 1e-5 (relative)`, () => {
      const model = lecModels[name]();
      fromTorchStateDict(model, fixtureBytes(`${name}.safetensors`));
      const [lec, torch] = runOnFixture(name, model);
      expectClose(lec, torch, 1e-5, 1e-6);
    });
  }

  it('LeNet: the NCHW flatten order is the trap — a plain transpose of fc1 without the row permutation gives other outputs', () => {
    const model = lecModels.lenet5();
    fromTorchStateDict(model, fixtureBytes('lenet5.safetensors'));
    const [good, torch] = runOnFixture('lenet5', model);
    expectClose(good, torch);
    // fc1 as a naive import would set it: W_lec[j, o] = W_torch[o, j], rows left in NCHW order
    const fc1 = model.layers[7] as Dense;
    const w = readSafetensors(fixtureBytes('lenet5.safetensors')).tensors.get('fc1.weight')!;
    const naive = new Float32Array(400 * 120);
    for (let j = 0; j < 400; j++) for (let o = 0; o < 120; o++) naive[j * 120 + o] = w.data[o * 400 + j];
    fc1.weight.assign(tensor(naive, [400, 120]));
    const [bad] = runOnFixture('lenet5', model);
    const worst = Math.max(...bad.map((v, i) => Math.abs(v - torch[i])));
    expect(worst).toBeGreaterThan(1e-3);
    // and the permutation it needs: position (y, x, c) of [5, 5, 16] comes from torch's c·25 + y·5 + x
    expect(nhwcToNchwOrder(5, 5, 16)[(1 * 5 + 2) * 16 + 3]).toBe(3 * 25 + 1 * 5 + 2);
  });

  it('reads what torch stores beyond float32: F16 and BF16 weights (exactly widened), I64 num_batches_tracked', () => {
    const bytes = fixtureBytes('dtypes.safetensors');
    const file = readSafetensors(bytes);
    expect(file.tensors.get('1.num_batches_tracked')).toMatchObject({ dtype: 'int32', shape: [] });
    expect(Array.from(file.tensors.get('1.num_batches_tracked')!.data)).toEqual([7]);
    const reference = fixtureIo('dtypes').tensors;
    expect(Array.from(file.tensors.get('0.weight')!.data)).toEqual(Array.from(reference.get('weight')!.data));
    expect(Array.from(file.tensors.get('0.bias')!.data)).toEqual(Array.from(reference.get('bias')!.data));
  });

  it('a mismatch lists every problem (missing, unexpected, shape) and leaves the model unchanged', () => {
    // the MLP's layers against LeNet's file: every layer is a problem, and one module is left over
    const model = lecModels.mlp();
    const before = model.parameters().map((v) => Array.from(v.value.dataSync()));
    const lenetBytes = fixtureBytes('lenet5.safetensors');
    let error: unknown;
    try {
      fromTorchStateDict(model, lenetBytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MismatchError);
    const problems = (error as MismatchError).problems;
    expect(problems.length).toBeGreaterThanOrEqual(5);
    expect(problems.join('\n')).toMatch(/expects weight \[64, 20\]|'0' \(Dense 20→64\)/);
    expect(problems.join('\n')).toMatch(/no lec layer takes it \(unexpected keys\)/);
    expect(problems.join('\n')).toMatch(/BatchNorm1d 64\) expects .*no torch module left/);
    expect((error as Error).message).toContain(`${problems.length} problems; the model was not changed`);
    expect(model.parameters().map((v) => Array.from(v.value.dataSync()))).toEqual(before);
  });

  it('a wrong shape names the key and both shapes, and changes nothing', () => {
    const narrow = new Sequential([new GRU(5, 6, { numLayers: 2, seed: 0 }), new Dense(6, 2, { seed: 0 })]);
    const before = narrow.parameters().map((v) => Array.from(v.value.dataSync()));
    expect(() => fromTorchStateDict(narrow, fixtureBytes('gru.safetensors'))).toThrow(
      /'gru\.weight_ih_l0' has shape \[21, 5\], expected \[18, 5\]/,
    );
    expect(narrow.parameters().map((v) => Array.from(v.value.dataSync()))).toEqual(before);
  });

  it('an explicit mapping pins a layer to a torch module; a mapping to a missing module is a problem', () => {
    const model = lecModels.lenet5();
    fromTorchStateDict(model, fixtureBytes('lenet5.safetensors'), { mapping: { '0': 'conv1', '3': 'conv2', '7': 'fc1', '11': 'fc3' } });
    const [lec, torch] = runOnFixture('lenet5', model);
    expectClose(lec, torch);
    expect(() => fromTorchStateDict(lecModels.lenet5(), fixtureBytes('lenet5.safetensors'), { mapping: { '0': 'features.0' } })).toThrow(
      /the mapping names torch module 'features\.0', which is not in the file/,
    );
  });

  it('strict: false ignores torch keys no lec layer takes (strict, the default, rejects them)', () => {
    const trunk = () => lecModels.mlp().layers.slice(0, 6);
    expect(() => fromTorchStateDict(new Sequential(trunk()), fixtureBytes('mlp.safetensors'))).toThrow(
      /6\.weight \[5, 32\]: no lec layer takes it/,
    );
    const model = new Sequential(trunk());
    fromTorchStateDict(model, fixtureBytes('mlp.safetensors'), { strict: false });
    const w = readSafetensors(fixtureBytes('mlp.safetensors')).tensors.get('3.weight')!;
    expect((model.layers[3] as Dense).weight.value.dataSync()[1]).toBe(w.data[64]); // W_lec[0, 1] = W_torch[1, 0] (torch [32, 64])
  });
});
