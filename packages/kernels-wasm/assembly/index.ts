/**
 * Entry point of the kernels module: every export here becomes a wasm export. One kernel
 * family per file; src/kernel-exports.ts lists these names and the loader checks them.
 */
export { heap_base, gemm_tuning_block } from './memory-layout';
export { peak_mul_add_f32x4, peak_madd_f32x4 } from './peak';
export { gemm_f32, gemm_f32_workspace_bytes, gemm_f32_pack_b, gemm_f32_packed_b, gemm_f32_packed_b_floats } from './gemm-f32';
export {
  conv2d_output_size,
  conv2d_f32_nhwc_workspace_bytes,
  conv2d_forward_f32_nhwc,
  conv2d_backprop_input_f32_nhwc,
  conv2d_backprop_filter_f32_nhwc,
  conv2d_rows,
  conv2d_forward_rows_f32_nhwc,
  conv2d_backprop_input_rows_f32_nhwc,
  conv2d_backprop_filter_rows_f32_nhwc,
} from './conv2d-f32-nhwc';
export {
  max_pool2d_f32_nhwc,
  max_pool2d_backward_f32_nhwc,
  avg_pool2d_f32_nhwc,
  avg_pool2d_backward_f32_nhwc,
} from './pool-f32-nhwc';
export { spmm_f32 } from './spmm-f32';
export {
  conv2d_direct_workspace_bytes,
  conv2d_direct_forward_f32_nhwc,
  conv2d_direct_backprop_filter_f32_nhwc,
  all_finite_f32,
} from './conv2d-direct-f32';
export { conv2d_transposed_workspace_bytes, conv2d_transposed_backprop_input_f32_nhwc } from './conv2d-transposed-f32';
export {
  conv2d_implicit_workspace_bytes,
  conv2d_implicit_forward_f32_nhwc,
  conv2d_implicit_filter_workspace_bytes,
  conv2d_implicit_backprop_filter_f32_nhwc,
} from './conv2d-implicit-f32';
export { lstm_step_forward_f32, lstm_step_backward_f32 } from './lstm-f32';
export { adam_step_f32, sgd_step_f32, rmsprop_step_f32 } from './optimizers-f32';
export { unary_f32, binary_f32, where_f32 } from './elementwise-f32';
export { reduce_f32, reduce_f32_workspace_bytes } from './reduce-f32';
export { softmax_cross_entropy_f32 } from './softmax-f32';
export { strided_copy_32 } from './movement-32';
export { gather_32, scatter_add_f32, scatter_add_f32_workspace_bytes } from './gather-f32';
export { activation_backward_f32 } from './activation-f32';
