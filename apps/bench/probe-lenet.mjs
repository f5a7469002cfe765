import * as T from '@lec/tensor';
import { lenet5, loadMnist } from '@lec/cnn';
import { Adam, trainStep, softmaxCrossEntropyWithLogits } from '@lec/nn';
const kw = await import('@lec/kernels-wasm');
const t0 = performance.now();
const ds = await loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
console.log('load', performance.now() - t0, ds.train.images.backend.name);
for (const [name, mk] of [
  ['wasm1', () => kw.wasmBackend({ threads: 1 })],
  ['wasm2', () => kw.wasmBackend({ threads: 2 })],
  ['js', () => T.jsBackend()],
]) {
  const be = await mk();
  console.log(name, be.name, JSON.stringify(be.info?.()));
  T.withBackend(be, () => {
    const model = lenet5({ seed: 0 });
    const opt = new Adam({ learningRate: 1e-3 });
    const x = T.toBackend(T.slice(ds.train.images, [0, 0, 0, 0], [64, 28, 28, 1]), be);
    const y = T.toBackend(T.slice(ds.train.labels, [0], [64]), be);
    for (let i = 0; i < 8; i++) {
      const s = performance.now();
      const r = T.tidy(() => trainStep(model, softmaxCrossEntropyWithLogits, opt, x, y));
      console.log(name, i, (performance.now() - s).toFixed(1), r.loss.toFixed(4));
    }
  });
}
