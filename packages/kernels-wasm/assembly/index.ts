/**
 * Entry point of the kernels module: every export here becomes a wasm export. One kernel
 * family per file; the host side (src/) checks at load time that these names exist.
 */
export { heap_base } from './memory-layout';
export { peak_mul_add_f32x4, peak_madd_f32x4 } from './peak';
export { gemm_f32, gemm_f32_workspace_bytes } from './gemm-f32';
