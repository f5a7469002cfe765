/**
 * Our backends, through one adapter: `lec-js` (the js backend of @lec/tensor) and `lec-wasm`
 * (the wasm backend of @lec/kernels-wasm, with 1 and N threads). Both implement the Backend
 * interface v1 (packages/tensor/src/backend/v1.ts), so adding another lec backend is one
 * more entry in `lecBackends` below.
 *
 * Every case goes through @lec/tensor's public ops inside `withBackend` (`matmul`, `conv2d`,
 * `conv2dBackpropInput`, `conv2dBackpropFilter`), i.e. what a user and autograd get: the
 * backend's fast path when it has one, the op's composite (im2col + GEMM) otherwise. Without
 * the backward ops it falls back to the backend's fast paths directly.
 *
 * The packages are loaded at run time and only the small API below is relied on, so the
 * bench builds and runs while they are being written: a missing package or export makes the
 * impl skip every case with the reason printed.
 */
import { convGeometry } from '../harness/reference.js';
import type { ConvPass, ConvProblem, GemmProblem, Impl, ImplContext, ImplFactory, Runner } from '../harness/types.js';

/** The subset of the Backend interface v1 the bench touches. */
export interface LecBackend {
  readonly apiVersion: 1;
  readonly name: string;
  info(): Record<string, unknown>;
  fromArray(data: ArrayLike<number>, dtype: 'float32'): unknown;
  read(handle: unknown, dtype: 'float32'): ArrayLike<number>;
  dispose(handle: unknown): void;
  /** The backend's fast-path record (Backend v1's `fastPaths`). */
  fastPaths?: {
    conv2d?: {
      backwardInput(dy: unknown, w: unknown, g: Record<string, number>, dtype: 'float32'): unknown;
      backwardFilter(x: unknown, dy: unknown, g: Record<string, number>, dtype: 'float32'): unknown;
    };
  };
  disposeBackend?(): void;
}

interface LecTensor {
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

/** The subset of @lec/tensor's public API the bench uses. */
export interface LecTensorApi {
  jsBackend(): LecBackend;
  tensor(data: Float32Array, shape: number[]): LecTensor;
  matmul(a: LecTensor, b: LecTensor, opts?: { transposeA?: boolean; transposeB?: boolean }): LecTensor;
  conv2d?(x: LecTensor, w: LecTensor, opts: LecConvOptions): LecTensor;
  conv2dBackpropInput?(dy: LecTensor, filter: LecTensor, inputShape: number[], opts: LecConvOptions): LecTensor;
  conv2dBackpropFilter?(x: LecTensor, dy: LecTensor, filterShape: number[], opts: LecConvOptions): LecTensor;
  withBackend<T>(backend: LecBackend, fn: () => T): T;
}

type LecConvOptions = { strides?: number | [number, number]; padding: 'same' | 'valid'; dilations?: number | [number, number] };

/** Imports a package by a name TypeScript does not resolve at build time. */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name} cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

export async function loadLecTensor(): Promise<LecTensorApi> {
  const mod = await importOptional('@lec/tensor');
  const missing = ['jsBackend', 'tensor', 'matmul', 'withBackend'].filter((k) => typeof mod[k] !== 'function');
  if (missing.length) throw new Error(`@lec/tensor does not export ${missing.join(', ')} yet`);
  return mod as unknown as LecTensorApi;
}

/** Geometry in the Backend v1 shape (Conv2dGeometry). */
function backendGeometry(p: ConvProblem): Record<string, number> {
  const g = convGeometry(p);
  return {
    batch: p.batch,
    inHeight: p.height,
    inWidth: p.width,
    inChannels: p.inChannels,
    outHeight: g.oh,
    outWidth: g.ow,
    outChannels: p.outChannels,
    filterHeight: p.kernelHeight,
    filterWidth: p.kernelWidth,
    strideHeight: p.stride,
    strideWidth: p.stride,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: g.padTop,
    padLeft: g.padLeft,
    padBottom: g.padBottom,
    padRight: g.padRight,
  };
}

function toF32(x: ArrayLike<number>): Float32Array {
  return x instanceof Float32Array ? x : Float32Array.from(x);
}

export class LecImpl implements Impl {
  readonly kind = 'lec' as const;
  notes: string[] = [];
  private api!: LecTensorApi;
  private backend!: LecBackend;

  /** The Backend v1 object (after setup): model suites train on it with `withBackend`. */
  get lecBackend(): LecBackend {
    if (!this.backend) throw new Error(`${this.name} is not set up`);
    return this.backend;
  }

  constructor(
    readonly name: string,
    readonly threads: number,
    private readonly makeBackend: (api: LecTensorApi) => Promise<LecBackend>,
    /** How @lec/tensor is loaded (the browser page passes its bundled module). */
    private readonly loadApi: () => Promise<LecTensorApi> = loadLecTensor,
  ) {}

  async setup(): Promise<void> {
    this.api = await this.loadApi();
    this.backend = await this.makeBackend(this.api);
    const info = this.backend.info?.() ?? {};
    const facts = Object.entries(info)
      .filter(([k]) => k !== 'name')
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    if (facts.length) this.notes.push(`${this.name}: ${facts.join(', ')}`);
  }

  /** A runner that times an op returning a lec Tensor. */
  private opRunner(inputs: LecTensor[], compute: () => LecTensor): Runner {
    let out: LecTensor | null = null;
    const { api, backend } = this;
    return {
      run() {
        const y = api.withBackend(backend, compute);
        out?.dispose();
        out = y;
      },
      read: () => {
        if (!out) throw new Error('read before run');
        return toF32(out.dataSync());
      },
      dispose() {
        out?.dispose();
        for (const t of inputs) t.dispose();
      },
    };
  }

  /** A runner that times a backend primitive on handles. */
  private handleRunner(inputs: unknown[], compute: () => unknown): Runner {
    let out: unknown = null;
    const b = this.backend;
    return {
      run() {
        const y = compute();
        if (out !== null) b.dispose(out);
        out = y;
      },
      read() {
        if (out === null) throw new Error('read before run');
        return toF32(b.read(out, 'float32'));
      },
      dispose() {
        if (out !== null) b.dispose(out);
        for (const h of inputs) b.dispose(h);
      },
    };
  }

  private upload(data: Float32Array, shape: number[]): LecTensor {
    return this.api.withBackend(this.backend, () => this.api.tensor(data, shape));
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const ta = this.upload(a, p.transposeA ? [p.k, p.m] : [p.m, p.k]);
    const tb = this.upload(b, p.transposeB ? [p.n, p.k] : [p.k, p.n]);
    const opts = { transposeA: p.transposeA, transposeB: p.transposeB };
    return this.opRunner([ta, tb], () => this.api.matmul(ta, tb, opts));
  }

  /** Every call uploads `a` and `b` as new tensors, multiplies, and disposes them (operands never resident). */
  gemmFresh(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const { api } = this;
    const sa = p.transposeA ? [p.k, p.m] : [p.m, p.k];
    const sb = p.transposeB ? [p.n, p.k] : [p.k, p.n];
    const opts = { transposeA: p.transposeA, transposeB: p.transposeB };
    return this.opRunner([], () => {
      const ta = api.tensor(a, sa);
      const tb = api.tensor(b, sb);
      const y = api.matmul(ta, tb, opts);
      ta.dispose();
      tb.dispose();
      return y;
    });
  }

  conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Runner | null {
    const api = this.api;
    const g = convGeometry(p);
    const xShape = [p.batch, p.height, p.width, p.inChannels];
    const yShape = [p.batch, g.oh, g.ow, p.outChannels];
    const wShape = [p.kernelHeight, p.kernelWidth, p.inChannels, p.outChannels];
    const opts: LecConvOptions = { strides: p.stride, padding: p.padding, dilations: 1 };
    if (pass === 'forward') {
      const conv = api.conv2d;
      if (!conv) throw new Error('@lec/tensor does not export conv2d yet');
      const x = this.upload(first, xShape);
      const w = this.upload(second, wShape);
      return this.opRunner([x, w], () => conv(x, w, opts));
    }
    if (pass === 'backpropInput' && api.conv2dBackpropInput) {
      const op = api.conv2dBackpropInput;
      const dy = this.upload(first, yShape);
      const w = this.upload(second, wShape);
      return this.opRunner([dy, w], () => op(dy, w, xShape, opts));
    }
    if (pass === 'backpropFilter' && api.conv2dBackpropFilter) {
      const op = api.conv2dBackpropFilter;
      const x = this.upload(first, xShape);
      const dy = this.upload(second, yShape);
      return this.opRunner([x, dy], () => op(x, dy, wShape, opts));
    }
    return this.fastPathRunner(p, pass, first, second);
  }

  /** Backward convolutions on the backend's fast paths (when @lec/tensor lacks the ops). */
  private fastPathRunner(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Runner {
    const b = this.backend;
    const conv = b.fastPaths?.conv2d;
    const fast = pass === 'backpropInput' ? conv?.backwardInput : conv?.backwardFilter;
    if (!fast)
      throw new Error(
        `neither @lec/tensor's conv2d${pass === 'backpropInput' ? 'BackpropInput' : 'BackpropFilter'} op nor a backend fast path for it`,
      );
    const g = backendGeometry(p);
    const h1 = b.fromArray(first, 'float32');
    const h2 = b.fromArray(second, 'float32');
    return this.handleRunner([h1, h2], () => fast(h1, h2, g, 'float32'));
  }

  dispose(): void {
    this.backend?.disposeBackend?.();
  }
}

// ---- the lec backends measured ------------------------------------------------------------

export const lecJs: ImplFactory = {
  family: 'lec-js',
  create: () => [new LecImpl('lec-js', 1, async (api) => api.jsBackend())],
};

/**
 * LEC-WASM ADAPTER: enabled when @lec/kernels-wasm exports `wasmBackend({ threads })`
 * (returning a Backend v1, or a promise of one); until then every case is skipped with the
 * reason. One impl per thread count: 1 and `--threads N`.
 */
async function wasmBackend(threads: number): Promise<LecBackend> {
  const mod = await importOptional('@lec/kernels-wasm');
  const make = mod.wasmBackend;
  if (typeof make !== 'function') throw new Error('@lec/kernels-wasm does not export wasmBackend yet');
  const backend = (await (make as (o: { threads: number }) => LecBackend | Promise<LecBackend>)({ threads })) as LecBackend;
  if (backend?.apiVersion !== 1) throw new Error('wasmBackend() did not return a Backend v1');
  return backend;
}

export const lecWasm: ImplFactory = {
  family: 'lec-wasm',
  create: (ctx: ImplContext) => {
    const variants = [new LecImpl('lec-wasm', 1, () => wasmBackend(1))];
    if (ctx.threads > 1) variants.push(new LecImpl(`lec-wasm-t${ctx.threads}`, ctx.threads, () => wasmBackend(ctx.threads)));
    return variants;
  },
};

// lec-tfjs (@lec/backend-tfjs) goes here when that package exists: another LecImpl whose
// makeBackend imports it.
