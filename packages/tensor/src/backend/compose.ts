/**
 * Composing a backend from parts: a backend that keeps another's storage (the wasm backend
 * over the js backend's typed arrays, a new engine that starts from the js primitives)
 * spreads that backend's required members and overrides the ones it does better, instead of
 * subclassing it.
 */
import type { BackendV1 } from './v1.js';

/** The members of Backend v1 every backend has (storage and required primitives), without its identity and fast paths. */
export type RequiredPrimitives<H> = Pick<
  BackendV1<H>,
  | 'fromArray'
  | 'read'
  | 'dispose'
  | 'liveBuffers'
  | 'view'
  | 'unary'
  | 'binary'
  | 'broadcastTo'
  | 'where'
  | 'reduce'
  | 'argReduce'
  | 'transpose'
  | 'slice'
  | 'concat'
  | 'pad'
  | 'gather'
  | 'scatterAdd'
  | 'matmul'
  | 'cast'
>;

/** The names of `RequiredPrimitives`; `satisfies` keeps the list and the type in step. */
const REQUIRED = {
  fromArray: true,
  read: true,
  dispose: true,
  liveBuffers: true,
  view: true,
  unary: true,
  binary: true,
  broadcastTo: true,
  where: true,
  reduce: true,
  argReduce: true,
  transpose: true,
  slice: true,
  concat: true,
  pad: true,
  gather: true,
  scatterAdd: true,
  matmul: true,
  cast: true,
} as const satisfies Record<keyof RequiredPrimitives<unknown>, true>;

/**
 * The storage methods and required primitives of `backend`, bound to it, as a plain object to
 * spread into a composed backend: `{ ...requiredPrimitives(store), name: 'mine', matmul: myMatmul, ... }`.
 * @example
 * ```ts
 * const js = jsBackend();
 * const mine = { ...requiredPrimitives(js), apiVersion: 1, name: 'mine', dtypes: js.dtypes, info: () => ({ name: 'mine' }), fastPaths: {} } as const;
 * withBackend(mine, () => add(tensor([1]), tensor([2])).toArray()); // [3]
 * ```
 */
export function requiredPrimitives<H>(backend: BackendV1<H>): RequiredPrimitives<H> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(REQUIRED) as (keyof RequiredPrimitives<H>)[]) {
    out[name] = (backend[name] as (...args: unknown[]) => unknown).bind(backend);
  }
  return out as unknown as RequiredPrimitives<H>;
}
