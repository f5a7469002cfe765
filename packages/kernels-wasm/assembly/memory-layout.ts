/**
 * Memory layout: the module has no allocator of its own (`--runtime stub`, no `new`). All
 * kernels take byte pointers into the one linear memory; the host's arena hands out space
 * above `heap_base()`, which is where the module's static data ends. The memory is imported
 * (`env.memory`) so the host sets its maximum and, later, can share it with worker threads.
 */

/** First byte the host may use: the end of the module's static data. */
export function heap_base(): usize {
  return __heap_base;
}
