/**
 * The LSTM fast paths of the CPU backends, each a forward/backward pair:
 * - `lstmCell`: the fused step, gates from z then c and h in one pass; the activations i, f,
 *   C̃, o and tanh(c) are kept ([batch, 5H], row-major per sample) for the backward pass, which
 *   then computes no exponentials;
 * - `lstmSequence`: a whole recurrence in loops, per step z = projected[:, t] + h·W_hh (float64
 *   sums) then the cell, and backpropagation through time from the saved activations.
 * Not on the f64 reference, which composes both (so the conformance suite compares them).
 */
import type { DType } from '../../dtype.js';
import type { FastPaths, LstmSequenceDims } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/** σ(v) with one exponential and no overflow for large |v|. */
function sigmoidOf(v: number): number {
  const e = Math.exp(-Math.abs(v));
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * Layout of the `saved` buffer of lstmSequence (shared with the wasm backend): the gate
 * activations i, f, C̃, o [batch, steps, 4H], then h_0..h_T and c_0..c_T time-major
 * [steps+1, batch, H] each, then tanh(c_1..c_T) [steps, batch, H].
 * @example
 * ```ts
 * lstmSequenceLayout(1, 2, 3); // { acts: 0, hs: 24, cs: 33, tanhC: 42, size: 48 }
 * ```
 */
export function lstmSequenceLayout(batch: number, steps: number, hidden: number) {
  const acts = 0;
  const hs = batch * steps * 4 * hidden;
  const cs = hs + (steps + 1) * batch * hidden;
  const tanhC = cs + (steps + 1) * batch * hidden;
  return { acts, hs, cs, tanhC, size: tanhC + steps * batch * hidden };
}

/**
 * `{ lstmCell, lstmSequence }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const { h } = cpuLstm(b).lstmCell!.forward(b.fromArray([0, 0, 0, 0], 'float32'), b.fromArray([0], 'float32'), 1, 1, 'float32');
 * b.read(h, 'float32'); // Float32Array [0]
 * ```
 */
export function cpuLstm(store: CpuStore): Pick<FastPaths<CpuHandle>, 'lstmCell' | 'lstmSequence'> {
  return {
    lstmCell: {
      forward(
        z: CpuHandle,
        cPrev: CpuHandle,
        batch: number,
        hidden: number,
        dtype: DType,
      ): { h: CpuHandle; c: CpuHandle; saved: CpuHandle; savedSize: number } {
        const Z = store.get(z);
        const C = store.get(cPrev);
        const H = hidden;
        const h = store.array(dtype, batch * H);
        const c = store.array(dtype, batch * H);
        const act = new Float64Array(batch * 5 * H);
        for (let b = 0; b < batch; b++) {
          const zb = b * 4 * H;
          const sb = b * 5 * H;
          for (let j = 0; j < H; j++) {
            const i = sigmoidOf(Z[zb + j]);
            const f = sigmoidOf(Z[zb + H + j]);
            const g = Math.tanh(Z[zb + 2 * H + j]);
            const o = sigmoidOf(Z[zb + 3 * H + j]);
            const cv = f * C[b * H + j] + i * g;
            const tc = Math.tanh(cv);
            c[b * H + j] = cv;
            h[b * H + j] = o * tc;
            act[sb + j] = i;
            act[sb + H + j] = f;
            act[sb + 2 * H + j] = g;
            act[sb + 3 * H + j] = o;
            act[sb + 4 * H + j] = tc;
          }
        }
        return { h: store.make(h), c: store.make(c), saved: store.make(act), savedSize: act.length };
      },
      backward(
        saved: CpuHandle,
        cPrev: CpuHandle,
        dh: CpuHandle | null,
        dc: CpuHandle | null,
        batch: number,
        hidden: number,
        dtype: DType,
      ): { dz: CpuHandle; dcPrev: CpuHandle } {
        const A = store.get(saved);
        const Cp = store.get(cPrev);
        const DH = dh === null ? null : store.get(dh);
        const DC = dc === null ? null : store.get(dc);
        const H = hidden;
        const dz = store.array(dtype, batch * 4 * H);
        const dcp = store.array(dtype, batch * H);
        for (let b = 0; b < batch; b++) {
          const zb = b * 4 * H;
          const sb = b * 5 * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const i = A[sb + j];
            const f = A[sb + H + j];
            const g = A[sb + 2 * H + j];
            const o = A[sb + 3 * H + j];
            const tc = A[sb + 4 * H + j];
            const dhv = DH === null ? 0 : DH[k];
            // the total gradient reaching c: from h through tanh, plus from the next step's c
            const dct = (DC === null ? 0 : DC[k]) + dhv * o * (1 - tc * tc);
            dz[zb + j] = dct * g * i * (1 - i);
            dz[zb + H + j] = dct * Cp[k] * f * (1 - f);
            dz[zb + 2 * H + j] = dct * i * (1 - g * g);
            dz[zb + 3 * H + j] = dhv * tc * o * (1 - o);
            dcp[k] = dct * f;
          }
        }
        return { dz: store.make(dz), dcPrev: store.make(dcp) };
      },
    },
    lstmSequence: {
      forward(
        projected: CpuHandle,
        weightHh: CpuHandle,
        h0: CpuHandle,
        c0: CpuHandle,
        { batch: B, steps: T, hidden: H }: LstmSequenceDims,
        dtype: DType,
      ): { sequence: CpuHandle; h: CpuHandle; c: CpuHandle; saved: CpuHandle; savedSize: number } {
        const P = store.get(projected);
        const W = store.get(weightHh);
        const L = lstmSequenceLayout(B, T, H);
        const S = new Float64Array(L.size);
        S.set(store.get(h0), L.hs);
        S.set(store.get(c0), L.cs);
        const seq = store.array(dtype, B * T * H);
        const G = 4 * H;
        const z = new Float64Array(G);
        for (let t = 0; t < T; t++) {
          const hPrev = L.hs + t * B * H;
          const cPrev = L.cs + t * B * H;
          for (let b = 0; b < B; b++) {
            const row = (b * T + t) * G;
            for (let j = 0; j < G; j++) z[j] = P[row + j];
            for (let k = 0; k < H; k++) {
              // no skip for hv = 0: 0·∞ must give NaN, as the composite h·W_hh does
              const hv = S[hPrev + b * H + k];
              const w = k * G;
              for (let j = 0; j < G; j++) z[j] += hv * W[w + j];
            }
            for (let j = 0; j < H; j++) {
              const i = sigmoidOf(z[j]);
              const f = sigmoidOf(z[H + j]);
              const g = Math.tanh(z[2 * H + j]);
              const o = sigmoidOf(z[3 * H + j]);
              const c = f * S[cPrev + b * H + j] + i * g;
              const tc = Math.tanh(c);
              S[row + j] = i;
              S[row + H + j] = f;
              S[row + 2 * H + j] = g;
              S[row + 3 * H + j] = o;
              S[cPrev + B * H + b * H + j] = c;
              S[L.tanhC + (t * B + b) * H + j] = tc;
              const h = o * tc;
              S[hPrev + B * H + b * H + j] = h;
              seq[(b * T + t) * H + j] = h;
            }
          }
        }
        const h = store.array(dtype, B * H);
        const c = store.array(dtype, B * H);
        h.set(S.subarray(L.hs + T * B * H, L.hs + (T + 1) * B * H));
        c.set(S.subarray(L.cs + T * B * H, L.cs + (T + 1) * B * H));
        return { sequence: store.make(seq), h: store.make(h), c: store.make(c), saved: store.make(S), savedSize: S.length };
      },
      backward(
        saved: CpuHandle,
        weightHh: CpuHandle,
        dSequence: CpuHandle | null,
        dhT: CpuHandle | null,
        dcT: CpuHandle | null,
        { batch: B, steps: T, hidden: H }: LstmSequenceDims,
        dtype: DType,
      ): { dProjected: CpuHandle; dWeightHh: CpuHandle; dh0: CpuHandle; dc0: CpuHandle } {
        const S = store.get(saved);
        const W = store.get(weightHh);
        const DS = dSequence === null ? null : store.get(dSequence);
        const L = lstmSequenceLayout(B, T, H);
        const G = 4 * H;
        const dh = new Float64Array(B * H);
        const dc = new Float64Array(B * H);
        if (dhT !== null) dh.set(store.get(dhT));
        if (dcT !== null) dc.set(store.get(dcT));
        const dP = store.array(dtype, B * T * G);
        const dW = new Float64Array(H * G);
        const dz = new Float64Array(G);
        for (let t = T - 1; t >= 0; t--) {
          const hPrev = L.hs + t * B * H;
          const cPrev = L.cs + t * B * H;
          for (let b = 0; b < B; b++) {
            const row = (b * T + t) * G;
            for (let j = 0; j < H; j++) {
              const k = b * H + j;
              const i = S[row + j];
              const f = S[row + H + j];
              const g = S[row + 2 * H + j];
              const o = S[row + 3 * H + j];
              const tc = S[L.tanhC + t * B * H + k];
              const dhv = dh[k] + (DS === null ? 0 : DS[(b * T + t) * H + j]);
              const dct = dc[k] + dhv * o * (1 - tc * tc);
              dz[j] = dct * g * i * (1 - i);
              dz[H + j] = dct * S[cPrev + k] * f * (1 - f);
              dz[2 * H + j] = dct * i * (1 - g * g);
              dz[3 * H + j] = dhv * tc * o * (1 - o);
              dc[k] = dct * f;
            }
            for (let j = 0; j < G; j++) dP[row + j] = dz[j];
            // dW_hh += h_{t−1}ᵀ·dz, dh_{t−1} = dz·W_hhᵀ
            for (let kk = 0; kk < H; kk++) {
              const hv = S[hPrev + b * H + kk];
              const w = kk * G;
              let acc = 0;
              for (let j = 0; j < G; j++) {
                dW[w + j] += hv * dz[j];
                acc += dz[j] * W[w + j];
              }
              dh[b * H + kk] = acc;
            }
          }
        }
        const dWeightHh = store.array(dtype, H * G);
        dWeightHh.set(dW);
        const dh0 = store.array(dtype, B * H);
        dh0.set(dh);
        const dc0 = store.array(dtype, B * H);
        dc0.set(dc);
        return { dProjected: store.make(dP), dWeightHh: store.make(dWeightHh), dh0: store.make(dh0), dc0: store.make(dc0) };
      },
    },
  };
}
