import { recordMulti } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { lstmCell } from './lstm-cell.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { split } from './split.js';
import { stack } from './stack.js';

/**
 * lstmSequence(projected, weightHh, h0, c0): the recurrence of an LSTM layer over every time
 * step. projected [batch, steps, 4H] holds each step's input projection x_t·W_x + b (gate
 * blocks i, f, C̃, o), weightHh [H, 4H] the recurrent weights, h0 and c0 [batch, H] the
 * initial state. For t = 0..steps−1:
 *   z_t = projected[:, t] + h_{t−1}·weightHh,   [h_t, c_t] = lstmCell(z_t, c_{t−1})
 * Returns [sequence [batch, steps, H] (h_1..h_T), h_T, c_T].
 *
 * It is exactly the loop above (which is what runs on backends without the `lstmSequence`
 * fast path); the fast path runs the whole loop in one call, records one tape entry instead
 * of several per step, and computes the recurrent weights' gradient as one product over all
 * steps (Σ_t h_{t−1}ᵀ·dz_t) in backpropagation through time. Differentiable in all four
 * inputs.
 * @example
 * ```ts
 * const [seq, h, c] = lstmSequence(zeros([1, 2, 4]), zeros([1, 4]), zeros([1, 1]), ones([1, 1]));
 * [seq.shape, h.item(), c.item()]; // [[1, 2, 1], 0.1224593, 0.25]
 * ```
 */
export function lstmSequence(projected: TensorLike, weightHh: TensorLike, h0: TensorLike, c0: TensorLike): [Tensor, Tensor, Tensor] {
  const op = 'lstmSequence';
  const p = asTensor(op, 'projected', projected);
  const w = asTensor(op, 'weightHh', weightHh, p);
  const h = asTensor(op, 'h0', h0, p);
  const c = asTensor(op, 'c0', c0, p);
  const backend = checkSameBackend(op, { projected: p, weightHh: w, h0: h, c0: c });
  checkFloat(op, 'projected', p);
  for (const [name, t] of [
    ['weightHh', w],
    ['h0', h],
    ['c0', c],
  ] as const)
    checkSameDtype(op, 'projected', p, name, t);
  if (w.rank !== 2 || w.shape[1] !== 4 * w.shape[0]) {
    throw new ShapeError(op, `argument 'weightHh' expected [hidden, 4·hidden], got ${fmtShape(w.shape)}`);
  }
  const hidden = w.shape[0];
  if (p.rank !== 3 || p.shape[2] !== 4 * hidden) {
    throw new ShapeError(
      op,
      `argument 'projected' expected [batch, steps, ${4 * hidden}] (four gates of 'weightHh' ${fmtShape(w.shape)}), got ${fmtShape(p.shape)}`,
    );
  }
  const [batch, steps] = p.shape;
  for (const [name, t] of [
    ['h0', h],
    ['c0', c],
  ] as const) {
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== hidden) {
      throw new ShapeError(op, `argument '${name}' expected [${batch}, ${hidden}], got ${fmtShape(t.shape)}`);
    }
  }
  const fast = backend.fastPaths.lstmSequence;
  if (!fast || steps === 0 || batch === 0 || hidden === 0) {
    // the definition, step by step
    const perStep = steps > 0 ? split(p, steps, 1) : [];
    let state: [Tensor, Tensor] = [h, c];
    const outputs: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const z = add(reshape(perStep[t], [batch, 4 * hidden]), matmul(state[0], w));
      state = lstmCell(z, state[1]);
      outputs.push(state[0]);
    }
    const sequence = steps > 0 ? stack(outputs, 1) : reshape(p, [batch, 0, hidden]);
    return [sequence, state[0], state[1]];
  }
  const dims = { batch, steps, hidden };
  const r = fast.forward(p.handle, w.handle, h.handle, c.handle, dims, p.dtype);
  const sequence = wrap(r.sequence, [batch, steps, hidden], p.dtype, backend);
  const hT = wrap(r.h, [batch, hidden], p.dtype, backend);
  const cT = wrap(r.c, [batch, hidden], p.dtype, backend);
  // the backend's saved activations, as a tensor so tidy and the tape manage its lifetime
  const saved = wrap(r.saved, [r.savedSize], p.dtype, backend);
  recordMulti(
    op,
    [p, w, h, c],
    [sequence, hT, cT],
    ([dSeq, dh, dc]) => {
      const g = fast.backward(saved.handle, w.handle, dSeq?.handle ?? null, dh?.handle ?? null, dc?.handle ?? null, dims, p.dtype);
      return [
        wrap(g.dProjected, p.shape, p.dtype, backend),
        wrap(g.dWeightHh, w.shape, p.dtype, backend),
        wrap(g.dh0, h.shape, p.dtype, backend),
        wrap(g.dc0, c.shape, p.dtype, backend),
      ];
    },
    [saved],
  );
  return [sequence, hT, cT];
}
