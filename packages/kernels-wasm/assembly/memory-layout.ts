/**
 * Memory layout: the module has no allocator of its own (`--runtime stub`, no `new`). All
 * kernels take byte pointers into the one linear memory; the host's arena hands out space
 * above `heap_base()`, which is where the module's static data ends. The memory is imported
 * (`env.memory`) so the host sets its maximum and, later, can share it with worker threads.
 */

/**
 * Bytes reserved at the end of the static data for the tuning block (gemm-f32.ts reads it,
 * the host writes it; zero means "use the built-in default"). It lives in linear memory, not
 * in globals, so every worker instance over the shared memory reads the same values.
 */
export const TUNING_BLOCK_BYTES: usize = 64;

/** Byte address of the tuning block (see TUNING_BLOCK_BYTES). */
// @ts-ignore: decorator
@inline export function tuningBlock(): usize {
  return __heap_base;
}

/** Byte address of the tuning block, for the host (src/kernels/tuning.ts writes it). */
export function gemm_tuning_block(): usize {
  return tuningBlock();
}

/** First byte the host may use: the end of the module's static data and of the tuning block. */
export function heap_base(): usize {
  return __heap_base + TUNING_BLOCK_BYTES;
}
