import { ShapeError, fmtShape } from '../errors.js';
import { recordMulti } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { sigmoid } from './sigmoid.js';
import { split } from './split.js';
import { tanh } from './tanh.js';

/**
 * lstmCell(z, cPrev): the elementwise part of an LSTM step, from the gate pre-activations
 * z [batch, 4H] (blocks i, f, C̃, o: z = x·W_x + h·W_h + b) and the previous cell state
 * cPrev [batch, H]:
 *   i = σ(z_i), f = σ(z_f), C̃ = tanh(z_C̃), o = σ(z_o)
 *   c = f ⊙ cPrev + i ⊙ C̃,   h = o ⊙ tanh(c)
 * Returns [h, c]. Backends may fuse it (the `lstmCell` fast path: one pass forward and one
 * backward instead of about ten ops each); otherwise it is composed from split, sigmoid,
 * tanh, mul and add. Differentiable in z and cPrev (the fused path once, not twice).
 * @example
 * ```ts
 * const [h, c] = lstmCell(zeros([1, 4]), ones([1, 1]));
 * [h.item(), c.item()]; // [0.2310586, 0.5]
 * ```
 */
export function lstmCell(z: TensorLike, cPrev: TensorLike): [Tensor, Tensor] {
  const zt = asTensor('lstmCell', 'z', z);
  const ct = asTensor('lstmCell', 'cPrev', cPrev, zt);
  const backend = checkSameBackend('lstmCell', { z: zt, cPrev: ct });
  checkSameDtype('lstmCell', 'z', zt, 'cPrev', ct);
  checkFloat('lstmCell', 'z', zt);
  if (ct.rank !== 2) throw new ShapeError('lstmCell', `argument 'cPrev' expected [batch, hidden], got ${fmtShape(ct.shape)}`);
  const [batch, hidden] = ct.shape;
  if (zt.rank !== 2 || zt.shape[0] !== batch || zt.shape[1] !== 4 * hidden) {
    throw new ShapeError(
      'lstmCell',
      `argument 'z' expected [${batch}, ${4 * hidden}] (four gates of 'cPrev' ${fmtShape(ct.shape)}), got ${fmtShape(zt.shape)}`,
    );
  }
  const fast = backend.fastPaths.lstmCell;
  if (!fast) {
    const [zi, zf, zc, zo] = split(zt, 4, 1);
    const c = add(mul(sigmoid(zf), ct), mul(sigmoid(zi), tanh(zc)));
    return [mul(sigmoid(zo), tanh(c)), c];
  }
  const r = fast.forward(zt.handle, ct.handle, batch, hidden, zt.dtype);
  const h = wrap(r.h, [batch, hidden], zt.dtype, backend);
  const c = wrap(r.c, [batch, hidden], zt.dtype, backend);
  // the backend's saved activations, as a tensor so tidy and the tape manage its lifetime
  const saved = wrap(r.saved, [r.savedSize], zt.dtype, backend);
  recordMulti(
    'lstmCell',
    [zt, ct],
    [h, c],
    ([dh, dc]) => {
      const g = fast.backward(saved.handle, ct.handle, dh?.handle ?? null, dc?.handle ?? null, batch, hidden, zt.dtype);
      return [wrap(g.dz, zt.shape, zt.dtype, backend), wrap(g.dcPrev, ct.shape, zt.dtype, backend)];
    },
    [saved],
  );
  return [h, c];
}
