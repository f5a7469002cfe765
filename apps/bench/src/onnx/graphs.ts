/**
 * The one-node ONNX graphs both onnxruntime peers (onnxruntime-node and onnxruntime-web) run:
 * MatMul for A·B, Gemm with transA/transB for the transposed variants, Conv for the forward
 * convolution and ConvTranspose for the input gradient (no filter gradient: onnxruntime is
 * inference only). Both operands are graph inputs (fed every call, as in training), not
 * initializers. ONNX convolutions are NCHW with OIHW filters: the NHWC data is transposed for it
 * here (untimed) and `post` transposes the result back.
 */
import { convGeometry } from '../harness/reference.js';
import type { ConvPass, ConvProblem, GemmProblem } from '../harness/types.js';
import type { OneNodeModel } from './model.js';

/** A graph and what to feed it. */
export interface OnnxCase {
  spec: OneNodeModel;
  feeds: { name: string; data: Float32Array; shape: number[] }[];
  /** Maps the graph's output back to the bench's layout (NCHW → NHWC for convolutions). */
  post: (y: Float32Array) => Float32Array;
}

/** [N,H,W,C] → [N,C,H,W]. */
export function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch];
  return out;
}

/** [N,C,H,W] → [N,H,W,C]. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) out[((b * h + y) * w + xx) * c + ch] = x[((b * c + ch) * h + y) * w + xx];
  return out;
}

/** [kh,kw,Cin,Cout] → [Cout,Cin,kh,kw]. */
export function hwioToOihw(wt: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(wt.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = wt[((y * kw + x) * ci + i) * co + o];
  return out;
}

const same = (y: Float32Array) => y;

export function gemmGraph(p: GemmProblem, a: Float32Array, b: Float32Array): OnnxCase {
  const aShape = p.transposeA ? [p.k, p.m] : [p.m, p.k];
  const bShape = p.transposeB ? [p.n, p.k] : [p.k, p.n];
  const plain = !p.transposeA && !p.transposeB;
  return {
    spec: {
      opType: plain ? 'MatMul' : 'Gemm',
      inputs: [
        { name: 'A', shape: aShape },
        { name: 'B', shape: bShape },
      ],
      output: { name: 'Y', shape: [p.m, p.n] },
      attributes: plain ? {} : { transA: p.transposeA ? 1 : 0, transB: p.transposeB ? 1 : 0 },
    },
    feeds: [
      { name: 'A', data: a, shape: aShape },
      { name: 'B', data: b, shape: bShape },
    ],
    post: same,
  };
}

/** Forward (Conv) and input gradient (ConvTranspose); null for the filter gradient. */
export function convGraph(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): OnnxCase | null {
  if (pass === 'backpropFilter') return null;
  const g = convGeometry(p);
  const { batch: n, height: h, width: w, inChannels: ci, outChannels: co, kernelHeight: kh, kernelWidth: kw } = p;
  const attributes = {
    kernel_shape: [kh, kw],
    strides: [p.stride, p.stride],
    pads: [g.padTop, g.padLeft, g.padBottom, g.padRight],
    dilations: [1, 1],
  };
  const wShape = [co, ci, kh, kw];
  const weights = { name: 'W', data: hwioToOihw(second, kh, kw, ci, co), shape: wShape };
  if (pass === 'forward') {
    const xShape = [n, ci, h, w];
    return {
      spec: {
        opType: 'Conv',
        inputs: [
          { name: 'X', shape: xShape },
          { name: 'W', shape: wShape },
        ],
        output: { name: 'Y', shape: [n, co, g.oh, g.ow] },
        attributes,
      },
      feeds: [{ name: 'X', data: nhwcToNchw(first, n, h, w, ci), shape: xShape }, weights],
      post: (y) => nchwToNhwc(y, n, co, g.oh, g.ow),
    };
  }
  // input gradient = ConvTranspose(dy, W): its weight layout (C_in of the transpose, C_out, kh, kw) is the forward OIHW
  const dyShape = [n, co, g.oh, g.ow];
  return {
    spec: {
      opType: 'ConvTranspose',
      inputs: [
        { name: 'DY', shape: dyShape },
        { name: 'W', shape: wShape },
      ],
      output: { name: 'DX', shape: [n, ci, h, w] },
      // output size (Ho-1)·s + kh - pads + output_padding must come back to H×W
      attributes: {
        ...attributes,
        output_padding: [
          h - ((g.oh - 1) * p.stride + kh - g.padTop - g.padBottom),
          w - ((g.ow - 1) * p.stride + kw - g.padLeft - g.padRight),
        ],
      },
    },
    feeds: [{ name: 'DY', data: nhwcToNchw(first, n, g.oh, g.ow, co), shape: dyShape }, weights],
    post: (y) => nchwToNhwc(y, n, ci, h, w),
  };
}
