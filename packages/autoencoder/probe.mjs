import { mul, randn, tensor } from '@lec/tensor';
import { linearAutoencoderVsPca } from './dist/index.js';
const x = mul(randn([256, 4], { seed: 0 }), tensor([3, 1, 0.1, 0.1]));
for (const [epochs, lr, bs] of [
  [40, 1e-2, 32],
  [40, 3e-2, 32],
]) {
  const r = await linearAutoencoderVsPca(x, 2, { epochs, batchSize: bs, learningRate: lr });
  console.log(epochs, lr, r.maxAngleDegrees, r.relativeGap, r.losses.slice(-1));
}
