/**
 * A js backend with every optional fast path written as the plain loop of its definition, run
 * through the whole suite. It proves the fast-path section works (each fast path is reached
 * and checked against the reference's composite), and it cross-checks the composites of
 * @lec/tensor (im2col + GEMM, window gathers) against direct definitions.
 */
import {
  type BackendV1,
  type Conv2dGeometry,
  CpuBackend,
  type CpuHandle,
  type DType,
  type FastPaths,
  type FusedActivation,
  type GemmDims,
  type Pool2dGeometry,
  type SpmmArgs,
  jsFastPaths,
  requiredPrimitives,
} from '@lec/tensor';
import { runConformance } from './conformance.js';

type Handle = CpuHandle;

/** The loops, over a CPU store (composed into a backend below, not a subclass of it). */
class Loops {
  constructor(private readonly b: CpuBackend) {}

  gemm(a: Handle, b: Handle, bias: Handle | null, d: GemmDims, activation: FusedActivation, dtype: DType): Handle {
    const product = this.b.matmul(a, b, { batch: 1, aBatch: 1, bBatch: 1, ...d }, dtype);
    const out = this.b.get(product);
    const bb = bias === null ? null : this.b.get(bias);
    for (let i = 0; i < out.length; i++) {
      let v = out[i] + (bb ? bb[i % d.n] : 0);
      if (activation === 'relu') v = Math.max(v, 0);
      else if (activation === 'sigmoid') v = 1 / (1 + Math.exp(-v));
      else if (activation === 'tanh') v = Math.tanh(v);
      out[i] = v;
    }
    return product;
  }

  /** Calls visit(n, oh, ow, i, j, y, x) for every output position and in-range tap. */
  private taps(g: Conv2dGeometry, visit: (n: number, oh: number, ow: number, i: number, j: number, y: number, x: number) => void): void {
    for (let n = 0; n < g.batch; n++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let i = 0; i < g.filterHeight; i++)
            for (let j = 0; j < g.filterWidth; j++) {
              const y = oh * g.strideHeight + i * g.dilationHeight - g.padTop;
              const x = ow * g.strideWidth + j * g.dilationWidth - g.padLeft;
              if (y >= 0 && y < g.inHeight && x >= 0 && x < g.inWidth) visit(n, oh, ow, i, j, y, x);
            }
  }

  conv2d(xh: Handle, wh: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    const [xd, wd] = [this.b.get(xh), this.b.get(wh)];
    const acc = new Float64Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
    this.taps(g, (n, oh, ow, i, j, y, x) => {
      for (let ci = 0; ci < g.inChannels; ci++) {
        const xv = xd[((n * g.inHeight + y) * g.inWidth + x) * g.inChannels + ci];
        for (let co = 0; co < g.outChannels; co++)
          acc[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co] +=
            xv * wd[((i * g.filterWidth + j) * g.inChannels + ci) * g.outChannels + co];
      }
    });
    return this.store(acc, dtype);
  }

  conv2dBackpropInput(dyh: Handle, wh: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    const [dy, wd] = [this.b.get(dyh), this.b.get(wh)];
    const acc = new Float64Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
    this.taps(g, (n, oh, ow, i, j, y, x) => {
      for (let ci = 0; ci < g.inChannels; ci++)
        for (let co = 0; co < g.outChannels; co++)
          acc[((n * g.inHeight + y) * g.inWidth + x) * g.inChannels + ci] +=
            dy[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co] *
            wd[((i * g.filterWidth + j) * g.inChannels + ci) * g.outChannels + co];
    });
    return this.store(acc, dtype);
  }

  conv2dBackpropFilter(xh: Handle, dyh: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    const [xd, dy] = [this.b.get(xh), this.b.get(dyh)];
    const acc = new Float64Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
    this.taps(g, (n, oh, ow, i, j, y, x) => {
      for (let ci = 0; ci < g.inChannels; ci++)
        for (let co = 0; co < g.outChannels; co++)
          acc[((i * g.filterWidth + j) * g.inChannels + ci) * g.outChannels + co] +=
            xd[((n * g.inHeight + y) * g.inWidth + x) * g.inChannels + ci] *
            dy[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co];
    });
    return this.store(acc, dtype);
  }

  /** visit(outIndex, inIndex | -1 for padding) for every window tap, in window order. */
  private windows(g: Pool2dGeometry, visit: (o: number, inIndex: number) => void): void {
    for (let n = 0; n < g.batch; n++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let c = 0; c < g.channels; c++)
            for (let i = 0; i < g.windowHeight; i++)
              for (let j = 0; j < g.windowWidth; j++) {
                const y = oh * g.strideHeight + i - g.padTop;
                const x = ow * g.strideWidth + j - g.padLeft;
                const inside = y >= 0 && y < g.inHeight && x >= 0 && x < g.inWidth;
                visit(
                  ((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c,
                  inside ? ((n * g.inHeight + y) * g.inWidth + x) * g.channels + c : -1,
                );
              }
  }

  /** For each window, the input index of its first maximum (NaN wins; padding is −∞), or −1. */
  private argmaxWindows(xd: ArrayLike<number>, g: Pool2dGeometry): Int32Array {
    const size = g.batch * g.outHeight * g.outWidth * g.channels;
    const best = new Int32Array(size).fill(-2);
    const bestV = new Float64Array(size);
    this.windows(g, (o, k) => {
      const v = k < 0 ? -Infinity : xd[k];
      if (best[o] === -2) [best[o], bestV[o]] = [k, v];
      else if (bestV[o] === bestV[o] && (v !== v || v > bestV[o])) [best[o], bestV[o]] = [k, v];
    });
    return best;
  }

  maxPool2d(xh: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    const xd = this.b.get(xh);
    const best = this.argmaxWindows(xd, g);
    return this.store(
      Float64Array.from(best, (k) => (k < 0 ? -Infinity : xd[k])),
      dtype,
    );
  }

  maxPool2dBackward(dyh: Handle, xh: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    const dy = this.b.get(dyh);
    const acc = new Float64Array(g.batch * g.inHeight * g.inWidth * g.channels);
    const best = this.argmaxWindows(this.b.get(xh), g);
    best.forEach((k, o) => {
      if (k >= 0) acc[k] += dy[o];
    });
    // the composite's 0·dy at the other real taps: NaN when dy is NaN or infinite
    this.windows(g, (o, k) => {
      if (k >= 0 && k !== best[o] && !Number.isFinite(dy[o])) acc[k] += dy[o] * 0;
    });
    return this.store(acc, dtype);
  }

  private counts(g: Pool2dGeometry): Float64Array {
    const count = new Float64Array(g.batch * g.outHeight * g.outWidth * g.channels);
    this.windows(g, (o, k) => {
      if (k >= 0) count[o]++;
    });
    return count;
  }

  avgPool2d(xh: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    const xd = this.b.get(xh);
    const count = this.counts(g);
    const acc = new Float64Array(count.length);
    this.windows(g, (o, k) => {
      if (k >= 0) acc[o] += xd[k] / count[o];
    });
    return this.store(acc, dtype);
  }

  avgPool2dBackward(dyh: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    const dy = this.b.get(dyh);
    const count = this.counts(g);
    const acc = new Float64Array(g.batch * g.inHeight * g.inWidth * g.channels);
    this.windows(g, (o, k) => {
      if (k >= 0) acc[k] += dy[o] / count[o];
    });
    return this.store(acc, dtype);
  }

  spmm({ rowPtr: rowPtrH, colIdx: colIdxH, values: valuesH, rows, dense: denseH, n, dtype }: SpmmArgs<Handle>): Handle {
    const [rowPtr, colIdx, values, dense] = [this.b.get(rowPtrH), this.b.get(colIdxH), this.b.get(valuesH), this.b.get(denseH)];
    const acc = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++)
      for (let p = rowPtr[r]; p < rowPtr[r + 1]; p++) for (let j = 0; j < n; j++) acc[r * n + j] += values[p] * dense[colIdx[p] * n + j];
    return this.store(acc, dtype);
  }

  softmaxCrossEntropy(logitsH: Handle, labelsH: Handle, n: number, c: number, dtype: DType): { loss: Handle; dlogits: Handle } {
    const [z, y] = [this.b.get(logitsH), this.b.get(labelsH)];
    const d = new Float64Array(n * c);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, z[r * c + k]);
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(z[r * c + k] - m);
      loss += m + Math.log(s) - z[r * c + y[r]];
      for (let k = 0; k < c; k++) d[r * c + k] = (Math.exp(z[r * c + k] - m) / s - (k === y[r] ? 1 : 0)) / n;
    }
    return { loss: this.store(Float64Array.of(loss / n), dtype), dlogits: this.store(d, dtype) };
  }

  private store(values: Float64Array, dtype: DType): Handle {
    return this.b.fromArray(values, dtype);
  }
}

/** The js backend's primitives and JS fast paths, with every other fast path as the loops above. */
function loopBackend(): BackendV1<CpuHandle> {
  const store = new CpuBackend({ name: 'js-loops', storage: 'native' });
  const loops = new Loops(store);
  const fastPaths: FastPaths<CpuHandle> = {
    ...jsFastPaths(store),
    gemm: (...args) => loops.gemm(...args),
    conv2d: {
      forward: (...args) => loops.conv2d(...args),
      backwardInput: (...args) => loops.conv2dBackpropInput(...args),
      backwardFilter: (...args) => loops.conv2dBackpropFilter(...args),
    },
    maxPool2d: { forward: (...args) => loops.maxPool2d(...args), backward: (...args) => loops.maxPool2dBackward(...args) },
    avgPool2d: { forward: (...args) => loops.avgPool2d(...args), backward: (...args) => loops.avgPool2dBackward(...args) },
    spmm: (args) => loops.spmm(args),
    softmaxCrossEntropy: (...args) => loops.softmaxCrossEntropy(...args),
  };
  return { ...requiredPrimitives(store), apiVersion: 1, name: store.name, dtypes: store.dtypes, info: () => store.info(), fastPaths };
}

runConformance({ name: 'js-loops', makeBackend: (): BackendV1 => loopBackend() });
