/**
 * `info().wasmOps` and `info().jsOps`, read off the composed backend instead of written by
 * hand: a required primitive runs in wasm (for float32) when the composed backend's member is
 * not the CPU store's, and a fast-path function when the record's member is not the js
 * backend's (`context.js`). Adding a wasm module to the composition updates both lists.
 */
import { type CpuHandle, FAST_PATHS, type FastPaths, fastPathMembers } from '@lec/tensor';

/** Members of Backend v1 that store tensors rather than compute them (not ops). */
const STORAGE = new Set(['fromArray', 'read', 'dispose', 'liveBuffers', 'view']);

/** Which ops of a composed backend run in wasm and which stay JavaScript, by public name. */
export interface OpLists {
  /** float32 primitives and fast-path functions that run wasm kernels. */
  wasm: string[];
  /** Primitives and fast-path functions that stay JavaScript (float32 included). */
  js: string[];
}

/**
 * Splits the ops of a composed backend: `primitives` are its required primitives, `base` the
 * CPU store's (what it spread), `fastPaths` its record, `jsRecord` the js backend's record it
 * spread first.
 */
export function opLists(
  primitives: Readonly<Record<string, unknown>>,
  base: Readonly<Record<string, unknown>>,
  fastPaths: FastPaths<CpuHandle>,
  jsRecord: FastPaths<CpuHandle>,
): OpLists {
  const wasm: string[] = [];
  const js: string[] = [];
  for (const name of Object.keys(base)) {
    if (STORAGE.has(name)) continue;
    (primitives[name] === base[name] ? js : wasm).push(name);
  }
  for (const name of FAST_PATHS) {
    const entry = fastPaths[name] as unknown;
    if (entry === undefined) continue;
    const jsEntry = jsRecord[name] as unknown;
    for (const [member, publicName] of fastPathMembers(name)) {
      const fn = member === null ? entry : (entry as Record<string, unknown>)[member];
      const jsFn = member === null ? jsEntry : (jsEntry as Record<string, unknown> | undefined)?.[member];
      (fn === jsFn ? js : wasm).push(publicName);
    }
  }
  return { wasm, js };
}

/** The two `info()` strings of the wasm backend. */
export function opListInfo(lists: OpLists): { wasmOps: string; jsOps: string } {
  return {
    wasmOps: `float32 ${lists.wasm.join(', ')}`,
    jsOps: `${lists.js.length === 0 ? '' : `float32 ${lists.js.join(', ')}; `}every float64 and int32 op`,
  };
}
