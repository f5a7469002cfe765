/**
 * The raw exports of the kernels module (assembly/index.ts), typed. Pointers are byte
 * addresses into the module's linear memory; booleans travel as 0/1.
 * `KERNEL_EXPORT_NAMES` is checked against the instantiated module by the loader, so a
 * renamed or missing kernel fails at load time instead of at first call.
 */
export interface KernelExports {
  /** The imported linear memory, re-exported. */
  memory: WebAssembly.Memory;
  /** First byte after the module's static data; the arena starts above it. */
  heap_base(): number;
  /** Byte address of the 64-byte tuning block the GEMM kernels read (src/kernels/tuning.ts). */
  gemm_tuning_block(): number;
  /** 12 chains of f32x4 mul then add; 96 flops per iteration. */
  peak_mul_add_f32x4(iterations: number): number;
  /** 12 chains of f32x4 multiply-add (relaxed_madd in the relaxed build); 96 flops per iteration. */
  peak_madd_f32x4(iterations: number): number;
  gemm_f32(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    transA: number,
    b: number,
    ldb: number,
    transB: number,
    c: number,
    ldc: number,
    bias: number,
    activation: number,
    accumulate: number,
    work: number,
  ): void;
  gemm_f32_workspace_bytes(m: number, n: number, k: number): number;
  /** Floats of op(B) [k,n] packed by gemm_f32_pack_b. */
  gemm_f32_packed_b_floats(k: number, n: number): number;
  /** Packs op(B) [k,n] once for gemm_f32_packed_b (NR-column panels over all of k). */
  gemm_f32_pack_b(k: number, n: number, b: number, ldb: number, transB: number, dst: number): void;
  /** gemm_f32 with op(B) packed by gemm_f32_pack_b; `work` as for gemm_f32. */
  gemm_f32_packed_b(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    transA: number,
    b: number,
    c: number,
    ldc: number,
    bias: number,
    activation: number,
    accumulate: number,
    work: number,
  ): void;
  conv2d_output_size(input: number, filter: number, stride: number, dilation: number, padBefore: number, padAfter: number): number;
  conv2d_f32_nhwc_workspace_bytes(geometry: number): number;
  conv2d_forward_f32_nhwc(geometry: number, x: number, filter: number, bias: number, activation: number, y: number, work: number): void;
  conv2d_backprop_input_f32_nhwc(geometry: number, dy: number, filter: number, dx: number, work: number): void;
  conv2d_backprop_filter_f32_nhwc(geometry: number, x: number, dy: number, dfilter: number, work: number): void;
  /** Output pixels N·OH·OW of a geometry block (the rows the *_rows kernels split). */
  conv2d_rows(geometry: number): number;
  conv2d_forward_rows_f32_nhwc(
    geometry: number,
    x: number,
    filter: number,
    bias: number,
    activation: number,
    y: number,
    work: number,
    rowBegin: number,
    rowEnd: number,
  ): void;
  /** Adds the input gradient of rows [rowBegin, rowEnd) into dx (zero it first). */
  conv2d_backprop_input_rows_f32_nhwc(
    geometry: number,
    dy: number,
    filter: number,
    dx: number,
    work: number,
    rowBegin: number,
    rowEnd: number,
  ): void;
  conv2d_backprop_filter_rows_f32_nhwc(
    geometry: number,
    x: number,
    dy: number,
    dfilter: number,
    work: number,
    rowBegin: number,
    rowEnd: number,
    accumulate: number,
  ): void;
  max_pool2d_f32_nhwc(geometry: number, x: number, y: number): void;
  max_pool2d_backward_f32_nhwc(geometry: number, dy: number, x: number, dx: number): void;
  avg_pool2d_f32_nhwc(geometry: number, x: number, y: number): void;
  avg_pool2d_backward_f32_nhwc(geometry: number, dy: number, dx: number): void;
  conv2d_direct_workspace_bytes(geometry: number): number;
  /** 1 when all n floats at x are finite, else 0. */
  all_finite_f32(x: number, n: number): number;
  conv2d_direct_forward_f32_nhwc(
    geometry: number,
    x: number,
    filter: number,
    bias: number,
    activation: number,
    y: number,
    work: number,
    imageBegin: number,
    imageEnd: number,
  ): void;
  conv2d_direct_backprop_filter_f32_nhwc(
    geometry: number,
    x: number,
    dy: number,
    dfilter: number,
    work: number,
    imageBegin: number,
    imageEnd: number,
    accumulate: number,
  ): void;
  conv2d_transposed_workspace_bytes(geometry: number): number;
  /** Input gradient as a direct transposed conv (stride 1, dilation 1, finite weights) of images [imageBegin, imageEnd). */
  conv2d_transposed_backprop_input_f32_nhwc(
    geometry: number,
    dy: number,
    filter: number,
    dx: number,
    work: number,
    imageBegin: number,
    imageEnd: number,
  ): void;
  conv2d_implicit_workspace_bytes(geometry: number): number;
  /** Implicit-GEMM conv2d forward (stride 1, dilation 1, SIMD builds) over images [imageBegin, imageEnd). */
  conv2d_implicit_forward_f32_nhwc(
    geometry: number,
    x: number,
    filter: number,
    bias: number,
    activation: number,
    y: number,
    work: number,
    imageBegin: number,
    imageEnd: number,
  ): void;
  conv2d_implicit_filter_workspace_bytes(geometry: number): number;
  /** Implicit-GEMM conv2d filter gradient (stride 1, dilation 1, SIMD builds) summed over images [imageBegin, imageEnd). */
  conv2d_implicit_backprop_filter_f32_nhwc(
    geometry: number,
    x: number,
    dy: number,
    dfilter: number,
    work: number,
    imageBegin: number,
    imageEnd: number,
    accumulate: number,
  ): void;
  spmm_f32(rowPtr: number, colIdx: number, values: number, rows: number, dense: number, n: number, out: number): void;
  /** One LSTM step's gates, c and h (assembly/lstm-f32.ts); z is overwritten with the activations. */
  /** assembly/optimizers-f32.ts: one Adam update over n floats; 1 when every output is finite. */
  adam_step_f32(
    n: number,
    w: number,
    g: number,
    m: number,
    v: number,
    w1: number,
    m1: number,
    v1: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    epsilon: number,
    weightDecay: number,
    decay: number,
    hasState: number,
  ): number;
  /** assembly/optimizers-f32.ts: one SGD update over n floats (flags: 1 state, 2 nesterov, 4 momentum); 1 when every output is finite. */
  sgd_step_f32(
    n: number,
    w: number,
    g: number,
    b: number,
    w1: number,
    b1: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    flags: number,
  ): number;
  /** assembly/optimizers-f32.ts: one RMSprop update over n floats (flags: 1 s, 2 d, 4 momentum); 1 when every output is finite. */
  rmsprop_step_f32(
    n: number,
    w: number,
    g: number,
    s: number,
    d: number,
    w1: number,
    s1: number,
    d1: number,
    lr: number,
    rho: number,
    oneMinusRho: number,
    epsilon: number,
    momentum: number,
    weightDecay: number,
    flags: number,
  ): number;
  lstm_step_forward_f32(
    batch: number,
    hidden: number,
    z: number,
    ldz: number,
    cPrev: number,
    c: number,
    tanhC: number,
    h: number,
    hOut: number,
    ldh: number,
  ): void;
  /** One LSTM step's gradients: dz from dh (+ dSeq) and dc; dc becomes ∂L/∂c_{t−1}. 1 when every dz is finite. */
  lstm_step_backward_f32(
    batch: number,
    hidden: number,
    acts: number,
    ldActs: number,
    tanhC: number,
    cPrev: number,
    dh: number,
    dSeq: number,
    ldSeq: number,
    dc: number,
    dz: number,
    dzOut: number,
    ldOut: number,
  ): number;
  /** out[i] = op(x[i]) for n floats (assembly/elementwise-f32.ts; op codes in src/kernels/elementwise.ts). */
  unary_f32(op: number, x: number, out: number, n: number): void;
  /** The gradient of activation `code` (1 relu, 2 sigmoid, 3 tanh) from dy and x (relu) or y, n values. */
  activation_backward_f32(code: number, dy: number, saved: number, out: number, n: number): void;
  /** out = a op b broadcast over `rank` dims described by the i32 block at `dims` (shape, strides of a and b, counters). */
  binary_f32(op: number, a: number, b: number, out: number, rank: number, dims: number): void;
  /** out = cond != 0 ? a : b broadcast over `rank` dims (block: shape, strides of cond, a, b, counters). */
  where_f32(cond: number, a: number, b: number, out: number, rank: number, dims: number): void;
  /** out[o, j] = op over k of x[o, k, j] for x [outer, r, inner] (assembly/reduce-f32.ts). */
  reduce_f32(op: number, x: number, out: number, outer: number, r: number, inner: number, work: number): void;
  reduce_f32_workspace_bytes(inner: number): number;
  /** Mean softmax cross-entropy of logits [n, c] against int32 labels; writes dlogits (assembly/softmax-f32.ts). */
  softmax_cross_entropy_f32(logits: number, labels: number, n: number, c: number, dlogits: number): number;
  /** Strided copy of 32-bit elements over `rank` dims (block: shape, source and destination strides, counters). */
  strided_copy_32(src: number, dst: number, rank: number, dims: number): void;
  /** out[o, i, :] = x[o, indices[i], :] over x [outer, dim, inner] (assembly/gather-f32.ts). */
  gather_32(x: number, indices: number, out: number, outer: number, dim: number, indexCount: number, inner: number): void;
  scatter_add_f32_workspace_bytes(size: number): number;
  /** out = zeros [outer, dim, inner], then out[o, indices[i], :] += updates[o, i, :] (f64 accumulation in work). */
  scatter_add_f32(
    updates: number,
    indices: number,
    out: number,
    outer: number,
    dim: number,
    indexCount: number,
    inner: number,
    work: number,
  ): void;
}

/** Every function the host expects the module to export. */
export const KERNEL_EXPORT_NAMES = [
  'heap_base',
  'gemm_tuning_block',
  'peak_mul_add_f32x4',
  'peak_madd_f32x4',
  'gemm_f32',
  'gemm_f32_workspace_bytes',
  'gemm_f32_packed_b_floats',
  'gemm_f32_pack_b',
  'gemm_f32_packed_b',
  'conv2d_output_size',
  'conv2d_f32_nhwc_workspace_bytes',
  'conv2d_forward_f32_nhwc',
  'conv2d_backprop_input_f32_nhwc',
  'conv2d_backprop_filter_f32_nhwc',
  'conv2d_rows',
  'conv2d_forward_rows_f32_nhwc',
  'conv2d_backprop_input_rows_f32_nhwc',
  'conv2d_backprop_filter_rows_f32_nhwc',
  'max_pool2d_f32_nhwc',
  'max_pool2d_backward_f32_nhwc',
  'avg_pool2d_f32_nhwc',
  'avg_pool2d_backward_f32_nhwc',
  'spmm_f32',
  'conv2d_direct_workspace_bytes',
  'all_finite_f32',
  'conv2d_direct_forward_f32_nhwc',
  'conv2d_direct_backprop_filter_f32_nhwc',
  'conv2d_transposed_workspace_bytes',
  'conv2d_transposed_backprop_input_f32_nhwc',
  'conv2d_implicit_workspace_bytes',
  'conv2d_implicit_forward_f32_nhwc',
  'conv2d_implicit_filter_workspace_bytes',
  'conv2d_implicit_backprop_filter_f32_nhwc',
  'lstm_step_forward_f32',
  'lstm_step_backward_f32',
  'adam_step_f32',
  'sgd_step_f32',
  'rmsprop_step_f32',
  'unary_f32',
  'activation_backward_f32',
  'binary_f32',
  'where_f32',
  'reduce_f32',
  'reduce_f32_workspace_bytes',
  'softmax_cross_entropy_f32',
  'strided_copy_32',
  'gather_32',
  'scatter_add_f32_workspace_bytes',
  'scatter_add_f32',
] as const satisfies readonly (keyof KernelExports)[];

/** Flops done by one iteration of either peak kernel (12 chains × 4 lanes × 2). */
export const PEAK_FLOPS_PER_ITERATION = 96;
