import type { Conv2dGeometry, Pool2dGeometry } from '../backend/v1.js';
import { makeTensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { convWindows, poolWindows, windowIndices } from './conv-geometry.js';
import { gather } from './gather.js';
import { pad } from './pad.js';
import { reshape } from './reshape.js';
import { scatterAdd } from './scatter-add.js';
import { slice } from './slice.js';

type Geometry = Conv2dGeometry | Pool2dGeometry;

function windows(g: Geometry) {
  return 'filterHeight' in g ? convWindows(g) : poolWindows(g);
}

function channelsOf(g: Geometry): number {
  return 'inChannels' in g ? g.inChannels : g.channels;
}

/** @internal The window index table as an int32 tensor on `like`'s backend. */
function indexTensor(g: Geometry, like: Tensor): Tensor {
  const table = windowIndices(windows(g));
  return makeTensor(table, [table.length], 'int32', like.backend);
}

/**
 * @internal im2col with primitives: pads x [N,H,W,C], then gathers every window, giving
 * [N, Ho·Wo·kh·kw, C] (reshape to [N·Ho·Wo, kh·kw·C] for a GEMM). Differentiable.
 */
export function extractWindows(x: Tensor, g: Geometry, padValue = 0): Tensor {
  const c = channelsOf(g);
  const hp = g.inHeight + g.padTop + g.padBottom;
  const wp = g.inWidth + g.padLeft + g.padRight;
  const padded = pad(
    x,
    [
      [0, 0],
      [g.padTop, g.padBottom],
      [g.padLeft, g.padRight],
      [0, 0],
    ],
    padValue,
  );
  return gather(reshape(padded, [g.batch, hp * wp, c]), indexTensor(g, x), 1);
}

/**
 * @internal col2im: the adjoint of extractWindows. Adds window values [N, Ho·Wo·kh·kw, C]
 * back into image positions and drops the padding, giving [N, H, W, C].
 */
export function foldWindows(cols: Tensor, g: Geometry): Tensor {
  const c = channelsOf(g);
  const hp = g.inHeight + g.padTop + g.padBottom;
  const wp = g.inWidth + g.padLeft + g.padRight;
  const image = scatterAdd([g.batch, hp * wp, c], indexTensor(g, cols), cols, 1);
  return slice(reshape(image, [g.batch, hp, wp, c]), [0, g.padTop, g.padLeft, 0], [g.batch, g.inHeight, g.inWidth, c]);
}
