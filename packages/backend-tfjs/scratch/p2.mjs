import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
const x = tf.tensor([
  [1, NaN],
  [2, 3],
]);
console.log(tf.where(tf.isNaN(x), tf.scalar(-1), x).dataSync());
console.log(
  tf
    .where(
      tf.tensor([true, false], [2], 'bool'),
      tf.scalar(7),
      tf.tensor([
        [1, 2],
        [3, 4],
      ]),
    )
    .dataSync(),
);
