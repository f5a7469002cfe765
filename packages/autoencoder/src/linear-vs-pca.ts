/**
 * The lecture's equivalence (Baldi & Hornik 1989): a linear autoencoder x̂ = W_dec·W_enc·x
 * (no activations, no biases) trained with squared error on centred data reaches its
 * minimum exactly when the column space of W_dec is the span of the top-k principal
 * components; the minimum is PCA's rank-k reconstruction error. (The weights themselves
 * need not be orthonormal nor equal to the components: any invertible mixing of the same
 * subspace is optimal.) `linearAutoencoderVsPca` trains one and measures both claims.
 */
import { Adam, Dense, Sequential, cosineDecay } from '@lec/nn';
import { PCA, principalAngles, type MatrixInput } from '@lec/pca';
import { type DType, ValueError, isTensor, noGrad, tensor } from '@lec/tensor';
import { Autoencoder } from './autoencoder.js';
import { mse } from './metrics.js';

/** Options of `linearAutoencoderVsPca`. */
export interface LinearVsPcaOptions {
  /** Default 30. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's initial learning rate, decayed to 1% by a cosine schedule (default 1e-2). */
  learningRate?: number;
  /** Initialisation and shuffling seed (default 0). */
  seed?: number;
  dtype?: DType;
  /** Called after every epoch with the training MSE. */
  onEpochEnd?: (epoch: number, loss: number) => void;
}

/** What `linearAutoencoderVsPca` reports. Errors are MSE per entry on the (centred) data. */
export interface LinearVsPcaResult {
  /** Principal angles (degrees) between the decoder's column space and PCA's top-k subspace, smallest first. */
  angles: number[];
  maxAngleDegrees: number;
  autoencoderMse: number;
  pcaMse: number;
  /** (autoencoderMse − pcaMse) / pcaMse: 0 at the optimum. */
  relativeGap: number;
  /** Training MSE per epoch. */
  losses: number[];
  autoencoder: Autoencoder;
  pca: PCA;
}

/**
 * Trains a linear autoencoder d → k → d with MSE on the centred data and compares it with
 * PCA's top-k subspace: principal angles and both reconstruction errors.
 * @example
 * ```ts
 * const x = mul(randn([256, 4], { seed: 0 }), tensor([3, 1, 0.1, 0.1]));
 * const result = await linearAutoencoderVsPca(x, 2, { epochs: 40, batchSize: 32, learningRate: 3e-2 });
 * result.maxAngleDegrees < 1; // true
 * result.relativeGap < 0.01; // true
 * ```
 */
export async function linearAutoencoderVsPca(data: MatrixInput, k: number, options: LinearVsPcaOptions = {}): Promise<LinearVsPcaResult> {
  const op = 'linearAutoencoderVsPca';
  if (!(Number.isSafeInteger(k) && k >= 1)) throw new ValueError(op, `argument 'k' expected a positive integer, got ${k}`);
  const dtype = options.dtype ?? (isTensor(data) ? data.dtype : 'float32');
  const pca = new PCA({ nComponents: k, dtype: 'float64' }).fit(data);
  const d = pca.nFeatures;
  // centred data, as a tensor on the current backend
  const mean = pca.mean;
  const raw = isTensor(data) ? data.dataSync() : null;
  const rows = pca.nSamples;
  const centred = new Float64Array(rows * d);
  const flat = raw ?? readFlat(data, rows, d);
  for (let i = 0; i < rows * d; i++) centred[i] = flat[i] - mean[i % d];
  const x = tensor(centred, [rows, d], { dtype });
  const seed = options.seed ?? 0;
  const ae = new Autoencoder(
    new Sequential([new Dense(d, k, { bias: false, seed, dtype })]),
    new Sequential([new Dense(k, d, { bias: false, seed: seed + 1, dtype })]),
  );
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 64;
  const lr = options.learningRate ?? 1e-2;
  const steps = epochs * Math.ceil(rows / batchSize);
  const losses: number[] = [];
  await ae.fit(x, {
    epochs,
    batchSize,
    seed,
    optimizer: new Adam({ learningRate: cosineDecay(lr, { totalSteps: steps, minLr: lr / 100 }) }),
    callbacks: {
      onEpochEnd: (logs) => {
        losses.push(logs.loss);
        options.onEpochEnd?.(logs.epoch, logs.loss);
      },
    },
  });
  const autoencoderMse = noGrad(() => mse(ae.reconstruct(x), x));
  const pcaMse = pca.reconstructionError(data); // on the original data: x − μ is the centred x
  // Dense weight is [in, out] = [k, d]: its rows span the decoder's column space
  const decoderWeight = (ae.decoder as Sequential).layers[0] as Dense;
  const w = decoderWeight.weight.value;
  const angles = principalAngles({ data: w.dataSync(), shape: [k, d] }, pca.componentsArray(), { vectors: 'rows' });
  x.dispose();
  return {
    angles,
    maxAngleDegrees: Math.max(...angles),
    autoencoderMse,
    pcaMse,
    relativeGap: (autoencoderMse - pcaMse) / pcaMse,
    losses,
    autoencoder: ae,
    pca,
  };
}

function readFlat(data: MatrixInput, rows: number, d: number): ArrayLike<number> {
  if (Array.isArray(data)) {
    const out = new Float64Array(rows * d);
    (data as number[][]).forEach((r, i) => out.set(r, i * d));
    return out;
  }
  return (data as { data: ArrayLike<number> }).data;
}
