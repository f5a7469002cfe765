// The code a user of @lec/cnn writes, shared by the Node check (node-check.js) and the Vite
// page (page.js): a small CNN trained for a few steps on the wasm backend, then saved and
// loaded with @lec/nn. Each step reports {name, ok, detail}; nothing throws past `run`.
import { Conv2d, MaxPool2d, cnnLayers } from '@lec/cnn';
import {
  Adam,
  Dense,
  Flatten,
  ReLU,
  Sequential,
  coreLayers,
  loadModel,
  saveModel,
  softmaxCrossEntropyWithLogits,
  trainStep,
} from '@lec/nn';
import { argmax, getBackend, jsBackend, setBackend, tidy } from '@lec/tensor';

const STEPS = 8;

/** Makes the wasm backend current; falls back to the js backend (and says so) when it cannot. */
async function useWasmBackend() {
  try {
    const kernels = await import('@lec/kernels-wasm');
    if (typeof kernels.wasmBackend !== 'function') throw new Error('@lec/kernels-wasm does not export wasmBackend');
    setBackend(await kernels.wasmBackend({ threads: 1 }));
    return { name: 'wasm backend', ok: getBackend().name === 'wasm', detail: `backend '${getBackend().name}'` };
  } catch (error) {
    setBackend(jsBackend());
    return { name: 'wasm backend', ok: false, detail: `FELL BACK TO THE JS BACKEND: ${error.message}` };
  }
}

function model() {
  return new Sequential([
    new Conv2d(1, 4, 3, { seed: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Dense(13 * 13 * 4, 10, { seed: 2 }),
  ]);
}

function sameArrays(a, b) {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/**
 * Makes the wasm backend current, loads the data with `loadData` (an async function giving
 * {images: Tensor [n, 28, 28, 1], labels: Tensor int32 [n]}, made on the current backend),
 * then runs every step, returning the list of checks.
 */
export async function run(loadData) {
  const checks = [await useWasmBackend()];
  let data;
  try {
    data = await loadData();
    checks.push({ name: 'data', ok: true, detail: `${data.source}: images [${data.images.shape.join(', ')}]` });
  } catch (error) {
    checks.push({ name: 'data', ok: false, detail: `threw ${error.stack ?? error}` });
    return checks;
  }
  const net = model();
  const optimizer = new Adam({ learningRate: 0.01 });
  const losses = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      const { loss } = tidy(() => trainStep(net, softmaxCrossEntropyWithLogits, optimizer, data.images, data.labels));
      losses.push(loss);
    }
    const down = losses.at(-1) < 0.8 * losses[0];
    checks.push({
      name: 'training: loss goes down',
      ok: down,
      detail: `${STEPS} Adam steps on ${data.images.shape[0]} digits: loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`,
    });
  } catch (error) {
    checks.push({ name: 'training: loss goes down', ok: false, detail: `threw ${error.stack ?? error}` });
    return checks;
  }
  try {
    const saved = saveModel(net);
    // what a file round trip keeps: the JSON text and a copy of the bytes
    const copy = loadModel(
      { description: String(saved.description), weights: new Uint8Array(saved.weights) },
      { ...coreLayers, ...cnnLayers },
    );
    const before = Array.from(net.forward(data.images).dataSync());
    const after = Array.from(copy.forward(data.images).dataSync());
    const classes = Array.from(argmax(copy.forward(data.images), -1).dataSync());
    checks.push({
      name: 'saveModel/loadModel: identical predictions',
      ok: sameArrays(before, after),
      detail: `${before.length} logits compared; ${saved.weights.byteLength} bytes of safetensors; predicted classes ${classes.slice(0, 8).join(',')}…`,
    });
  } catch (error) {
    checks.push({ name: 'saveModel/loadModel: identical predictions', ok: false, detail: `threw ${error.stack ?? error}` });
  }
  return checks;
}
