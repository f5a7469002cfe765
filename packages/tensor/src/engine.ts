/**
 * Engine state: the current backend, the tidy scopes and the active gradient tapes.
 * Nothing here registers anything as a side effect of importing it.
 */
import { jsBackend } from './backend/cpu-backend.js';
import type { BackendV1 } from './backend/v1.js';
import { BackendError, ValueError } from './errors.js';
import type { Tensor } from './tensor.js';

// ---- backends -----------------------------------------------------------------------------

let current: BackendV1 | null = null;
const overrides: BackendV1[] = [];

function checkBackend(op: string, backend: BackendV1): void {
  if (!backend || backend.apiVersion !== 1) {
    throw new BackendError(
      op,
      `argument 'backend' expected an object implementing Backend interface v1 (apiVersion 1), got ${backend && typeof backend === 'object' ? `apiVersion ${String((backend as { apiVersion?: unknown }).apiVersion)}` : String(backend)}`,
    );
  }
}

/**
 * Makes `backend` the one new tensors are created on.
 * @example
 * ```ts
 * setBackend(f64Backend());
 * getBackend().name; // 'f64'
 * setBackend(jsBackend());
 * ```
 */
export function setBackend(backend: BackendV1): void {
  checkBackend('setBackend', backend);
  current = backend;
}

/**
 * The backend new tensors are created on: the innermost `withBackend` override, else the one
 * given to `setBackend`, else a `js` backend made on first use.
 * @example
 * ```ts
 * getBackend().apiVersion; // 1
 * ```
 */
export function getBackend(): BackendV1 {
  if (overrides.length > 0) return overrides[overrides.length - 1];
  if (current === null) current = jsBackend();
  return current;
}

/**
 * Runs `fn` with `backend` as the current backend, then restores the previous one. `fn` must
 * be synchronous: the override ends when `fn` returns, so an async function would fall back
 * to the previous backend after its first `await`. An `async` function is refused with a
 * ValueError before it runs; a function that returns a promise anyway raises the ValueError
 * when it returns. For async code pass `{ backend }` to creation ops or use `setBackend`.
 * @example
 * ```ts
 * const y = withBackend(f64Backend(), () => add(tensor([1]), tensor([2])));
 * y.backend.name; // 'f64'
 * ```
 */
export function withBackend<T>(backend: BackendV1, fn: () => T): T {
  checkBackend('withBackend', backend);
  if (typeof fn !== 'function') throw new ValueError('withBackend', `argument 'fn' expected a function, got ${typeof fn}`);
  if (fn.constructor?.name === 'AsyncFunction' || fn.constructor?.name === 'AsyncGeneratorFunction')
    throw new ValueError(
      'withBackend',
      `argument 'fn' is an async function: the backend override would end at its first await (use setBackend or pass { backend })`,
    );
  overrides.push(backend);
  let result: T;
  try {
    result = fn();
  } finally {
    overrides.pop();
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function')
    throw new ValueError(
      'withBackend',
      `argument 'fn' returned a promise: the backend override ended when it returned, before the promise settled (use setBackend or pass { backend })`,
    );
  return result;
}

// ---- tidy scopes --------------------------------------------------------------------------

const scopes: Set<Tensor>[] = [];

/** @internal Registers a new tensor with the innermost tidy scope. */
export function trackTensor(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Anything `tidy` can return: tensors nested in arrays and plain objects are kept. */
export type TensorContainer = unknown;

function collect(value: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v as { isLecTensor?: boolean }).isLecTensor === true;
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (found in nested
 * arrays and plain objects) and those still needed by an active gradient tape. On CPU
 * backends this only keeps `liveBuffers()` honest; on device backends it frees memory.
 * @example
 * ```ts
 * const before = getBackend().liveBuffers();
 * const y = tidy(() => exp(neg(tensor([1, 2, 3]))));
 * getBackend().liveBuffers() - before; // 1: only y is alive
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
    const keepSet = new Set<Tensor>();
    // `result` is unassigned when fn threw: then nothing is kept
    try {
      collect(result!, keepSet);
    } catch {
      /* fn threw */
    }
    const parent = scopes[scopes.length - 1];
    for (const t of scope) {
      if (keepSet.has(t) || isReferencedByTape(t)) {
        parent?.add(t);
      } else {
        t.dispose();
      }
    }
  }
  return result;
}

/**
 * Removes `t` from every tidy scope, so it outlives them (until `t.dispose()`).
 * @example
 * ```ts
 * let kept: Tensor | undefined;
 * tidy(() => { kept = keep(tensor([1])); });
 * kept!.isDisposed; // false
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

// ---- gradient tapes -----------------------------------------------------------------------

/** A vector-Jacobian product: the gradients of an op's inputs given its output's gradient. */
export type Vjp = (dy: Tensor) => readonly (Tensor | null)[];

/** @internal One recorded op. */
export interface TapeNode {
  name: string;
  inputs: readonly Tensor[];
  /** The op's outputs (one for most ops; several for split). */
  outputs: readonly Tensor[];
  /** Gradients of the inputs from the gradients of the outputs (null where an output got none). */
  vjp: (dys: readonly (Tensor | null)[]) => readonly (Tensor | null)[];
}

let neededInputs: readonly boolean[] | null = null;

/**
 * @internal Inside an op's vjp: whether the backward pass uses the gradient of input `j`
 * (false for inputs no tape tracks, such as a network's input images), so the vjp may return
 * null there instead of computing it. True outside a backward pass.
 */
export function inputNeedsGrad(j: number): boolean {
  return neededInputs === null || neededInputs[j] !== false;
}

/** @internal Runs a vjp with `needed` answering inputNeedsGrad. */
export function withNeededInputs<T>(needed: readonly boolean[], fn: () => T): T {
  const saved = neededInputs;
  neededInputs = needed;
  try {
    return fn();
  } finally {
    neededInputs = saved;
  }
}

/** @internal A gradient tape: ops whose inputs it tracks are recorded in order. */
export class Tape {
  readonly tracked = new Set<number>();
  readonly nodes: TapeNode[] = [];
  readonly referenced = new Set<Tensor>();
  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }
}

const tapes: Tape[] = [];

function isReferencedByTape(t: Tensor): boolean {
  for (const tape of tapes) if (tape.referenced.has(t)) return true;
  return false;
}

/** @internal Pushes a tape (ops are recorded on it until popTape). */
export function pushTape(tape: Tape): void {
  tapes.push(tape);
}

/** @internal Pops `tape` (which must be the innermost). */
export function popTape(tape: Tape): void {
  const i = tapes.lastIndexOf(tape);
  if (i >= 0) tapes.splice(i, 1);
}

/** @internal Runs `fn` with no tape active (so nothing is recorded). */
export function withoutTapes<T>(fn: () => T): T {
  const saved = tapes.splice(0, tapes.length);
  try {
    return fn();
  } finally {
    tapes.push(...saved);
  }
}

/** @internal Runs `fn` with `tape` removed from the active set (its backward pass). */
export function withoutTape<T>(tape: Tape, fn: () => T): T {
  const i = tapes.indexOf(tape);
  if (i < 0) return fn();
  tapes.splice(i, 1);
  try {
    return fn();
  } finally {
    tapes.splice(i, 0, tape);
  }
}

/**
 * Whether any tape is recording (ops can skip building gradient closures when not).
 * @example
 * ```ts
 * isRecording(); // false
 * let inside = false;
 * grad((x: Tensor) => { inside = isRecording(); return sum(x); })(tensor([1]));
 * inside; // true
 * ```
 */
export function isRecording(): boolean {
  return tapes.length > 0;
}

/**
 * @internal Records an op on every active tape that tracks one of its inputs. `saved` names
 * extra tensors the vjp closes over, so tidy keeps them alive until the backward pass.
 */
export function record(name: string, inputs: readonly Tensor[], output: Tensor, vjp: Vjp, saved: readonly Tensor[] = []): void {
  if (tapes.length === 0 || output.dtype === 'int32') return;
  recordMulti(name, inputs, [output], (dys) => vjp(dys[0]!), saved);
}

/**
 * @internal Records an op with several outputs (split): one node, so its vjp sees the
 * gradients of all outputs at once (null for outputs that got none) and can assemble them in
 * one pass instead of one full-size gradient per output.
 */
export function recordMulti(
  name: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  vjp: (dys: readonly (Tensor | null)[]) => readonly (Tensor | null)[],
  saved: readonly Tensor[] = [],
): void {
  if (tapes.length === 0 || outputs.every((o) => o.dtype === 'int32')) return;
  for (const tape of tapes) {
    if (!inputs.some((t) => tape.tracked.has(t.id))) continue;
    for (const o of outputs) {
      tape.tracked.add(o.id);
      tape.referenced.add(o);
    }
    tape.nodes.push({ name, inputs, outputs, vjp });
    for (const t of inputs) tape.referenced.add(t);
    for (const t of saved) tape.referenced.add(t);
  }
}
