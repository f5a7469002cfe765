/**
 * The lecture's vanishing/exploding-gradient argument, measured. Backpropagation through
 * time multiplies ∂h_t/∂h_{t−1} = diag(f'(·))·W_hh once per step, so ‖∂L/∂h_t‖ shrinks or grows
 * roughly like σ_max(W_hh)^(T−t) for a tanh RNN; the LSTM's additive cell path does not.
 */
import { type Tensor, ValueError, sqrt, sum, square, valueAndGrad, zeros } from '@lec/tensor';
import { LSTM, type Recurrent } from './layers/recurrent.js';

/**
 * hiddenGradientNorms(layer, x, loss): ‖∂L/∂h_t‖ for every step t of the top layer, where
 * L = loss(run(x)). Computed exactly with zero "probe" tensors added to each h_t.
 * @example
 * ```ts
 * const rnn = new RNN(1, 8, { seed: 0 });
 * const norms = hiddenGradientNorms(rnn, ones([4, 20, 1]), (r) => sum(r.last));
 * norms.length; // 20
 * ```
 */
export function hiddenGradientNorms(
  layer: Recurrent,
  x: Tensor,
  loss: (result: ReturnType<Recurrent['run']>) => Tensor,
  options: { lengths?: ArrayLike<number> } = {},
): number[] {
  if (x.rank !== 3)
    throw new ValueError('hiddenGradientNorms', `argument 'x' expected [batch, time, features], got [${x.shape.join(', ')}]`);
  const [batch, steps] = x.shape;
  const probes = Array.from({ length: steps }, () => zeros([batch, layer.hiddenSize], { dtype: x.dtype, backend: x.backend }));
  const { grads } = valueAndGrad((...p: Tensor[]) => loss(layer.run(x, { probes: p, lengths: options.lengths })))(...probes);
  return grads.map((g) => sqrt(sum(square(g))).item());
}

/**
 * cellGradientNorms(lstm, x, loss): ‖∂L/∂C_t‖ beside ‖∂L/∂h_t‖ for every step t of an LSTM's
 * top layer, L = loss(run(x)), from one backward pass with zero probes on C_t and h_t. The
 * cell state's path C_{t−1} → C_t multiplies the gradient by the forget gate f_t only (no
 * weight matrix, no squashing), so ‖∂L/∂C_t‖ decays far slower than a plain RNN's ‖∂L/∂h_t‖:
 * the lecture's "uninterrupted gradient flow".
 * @example
 * ```ts
 * const lstm = new LSTM(1, 8, { seed: 0 });
 * const { cell, hidden } = cellGradientNorms(lstm, ones([4, 20, 1]), (r) => sum(r.last));
 * [cell.length, hidden.length]; // [20, 20]
 * ```
 */
export function cellGradientNorms(
  layer: LSTM,
  x: Tensor,
  loss: (result: ReturnType<Recurrent['run']>) => Tensor,
  options: { lengths?: ArrayLike<number> } = {},
): { cell: number[]; hidden: number[] } {
  if (!(layer instanceof LSTM))
    throw new ValueError(
      'cellGradientNorms',
      `argument 'layer' expected an LSTM (a cell state C_t), got ${(layer as { type?: string })?.type ?? typeof layer}`,
    );
  if (x.rank !== 3) throw new ValueError('cellGradientNorms', `argument 'x' expected [batch, time, features], got [${x.shape.join(', ')}]`);
  const [batch, steps] = x.shape;
  const probe = () => zeros([batch, layer.hiddenSize], { dtype: x.dtype, backend: x.backend });
  const probes = Array.from({ length: 2 * steps }, probe);
  const { grads } = valueAndGrad((...p: Tensor[]) =>
    loss(layer.run(x, { cellProbes: p.slice(0, steps), probes: p.slice(steps), lengths: options.lengths })),
  )(...probes);
  const norms = grads.map((g) => sqrt(sum(square(g))).item());
  return { cell: norms.slice(0, steps), hidden: norms.slice(steps) };
}

/**
 * spectralNorm(w): the largest singular value σ_max of a matrix (power iteration on WᵀW in
 * double precision). For an RNN's W_hh, σ_max < 1 makes gradients vanish over long spans
 * (with tanh' ≤ 1) and σ_max > 1 allows them to explode.
 * @example
 * ```ts
 * spectralNorm(tensor([[3, 0], [0, 1]])); // 3
 * ```
 */
export function spectralNorm(w: Tensor, iterations = 200): number {
  if (w.rank !== 2) throw new ValueError('spectralNorm', `argument 'w' expected a matrix, got [${w.shape.join(', ')}]`);
  const [m, n] = w.shape;
  const a = w.dataSync();
  let v = new Float64Array(n).fill(1 / Math.sqrt(n || 1));
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      u[i] = s;
    }
    const next = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) next[j] += a[i * n + j] * u[i];
    const norm = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
    if (norm === 0) return 0;
    sigma = Math.sqrt(norm);
    v = next.map((x) => x / norm);
  }
  return sigma;
}
