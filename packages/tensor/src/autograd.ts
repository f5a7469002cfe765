/**
 * Reverse-mode automatic differentiation. While a gradient function runs, ops whose inputs
 * are watched are recorded on a tape, in execution order. That order is already topological,
 * so the backward pass is a plain loop over the tape in reverse: no recursion, so a
 * 10,000-step unrolled RNN cannot overflow the stack. Backends never see gradients.
 */
import { onesLike, zerosLike } from './creation.js';
import { isFloat } from './dtype.js';
import { Tape, popTape, pushTape, tidy, withNeededInputs, withoutTape, withoutTapes } from './engine.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { add } from './ops/add.js';
import { shapesEqual } from './shape.js';
import { type Tensor, isTensor } from './tensor.js';
import type { Variable } from './variable.js';

function backward(tape: Tape, root: Tensor, seed: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[root.id, seed]]);
  withoutTape(tape, () => {
    for (let i = tape.nodes.length - 1; i >= 0; i--) {
      const node = tape.nodes[i];
      let any = false;
      const dys = node.outputs.map((o) => {
        const g = grads.get(o.id);
        if (g !== undefined) any = true;
        return g ?? null;
      });
      if (!any) continue;
      const needed = node.inputs.map((input) => tape.tracked.has(input.id));
      if (!needed.includes(true)) continue;
      const inputGrads = withNeededInputs(needed, () => node.vjp(dys));
      node.inputs.forEach((input, j) => {
        const gi = inputGrads[j];
        if (gi === null || gi === undefined || !tape.tracked.has(input.id)) return;
        if (!shapesEqual(gi.shape, input.shape)) {
          throw new ShapeError(
            `${node.name} (gradient)`,
            `gradient for input ${j} has shape ${fmtShape(gi.shape)}, expected ${fmtShape(input.shape)}: a bug in the op's vjp`,
          );
        }
        const prev = grads.get(input.id);
        grads.set(input.id, prev === undefined ? gi : add(prev, gi));
      });
    }
  });
  return grads;
}

function checkArgs(op: string, args: readonly Tensor[]): void {
  args.forEach((a, i) => {
    if (!isTensor(a)) throw new ValueError(op, `argument ${i} expected a Tensor, got ${typeof a}`);
    if (!isFloat(a.dtype)) throw new DTypeError(op, `argument ${i} is ${a.dtype}; only float tensors have gradients`);
  });
}

function checkValue(op: string, value: unknown): Tensor {
  if (!isTensor(value)) throw new ValueError(op, `the function must return a Tensor, got ${typeof value}`);
  if (value.size !== 1)
    throw new ShapeError(op, `the function must return a scalar (one element) to differentiate, got shape ${fmtShape(value.shape)}`);
  return value;
}

/** What `valueAndGrad` returns: the function's value and one gradient per argument. */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

/** What `valueAndGrad(f, { hasAux: true })` returns: also the auxiliary output, kept alive. */
export interface ValueAuxAndGrads<Aux> extends ValueAndGrads {
  aux: Aux;
}

/** What `grad(f, { hasAux: true })` returns. */
export interface GradsAndAux<Aux> {
  grads: Tensor[];
  aux: Aux;
}

/** Options of the gradient functions. */
export interface GradOptions {
  /**
   * f returns a pair `[loss, aux]` (as JAX's `has_aux`): the loss is differentiated, `aux`
   * (any tensors, arrays or objects of them, or plain values) is returned beside the
   * gradients and not disposed.
   */
  hasAux?: boolean;
}

type WithAux<Aux> = readonly [Tensor, Aux];

function splitAux(op: string, result: unknown, hasAux: boolean): { value: unknown; aux: unknown } {
  if (!hasAux) return { value: result, aux: undefined };
  if (!Array.isArray(result) || result.length !== 2) {
    throw new ValueError(
      op,
      `with hasAux the function must return a pair [loss, aux], got ${Array.isArray(result) ? `an array of ${result.length}` : typeof result}`,
    );
  }
  return { value: result[0], aux: result[1] };
}

function run(op: string, f: () => unknown, watched: readonly Tensor[], hasAux: boolean): ValueAuxAndGrads<unknown> {
  checkArgs(op, watched);
  const tape = new Tape();
  for (const t of watched) tape.watch(t);
  return tidy(() => {
    pushTape(tape);
    let value: Tensor;
    let aux: unknown;
    try {
      const split = splitAux(op, f(), hasAux);
      value = checkValue(op, split.value);
      aux = split.aux;
    } finally {
      popTape(tape);
    }
    const grads = backward(tape, value, onesLike(value));
    // tidy keeps what this returns (value, grads and every tensor inside aux) and frees the rest
    return { value, aux, grads: watched.map((t) => grads.get(t.id) ?? zerosLike(t)) };
  });
}

/**
 * valueAndGrad(f) returns a function that evaluates f and the gradient of its (scalar)
 * result with respect to each argument.
 *
 * Memory: every tensor f creates is disposed when the call returns, except the value and
 * the gradients (which the caller owns) — including any other tensor f returns. To keep
 * outputs besides the loss (predictions, a metric), pass `{ hasAux: true }` and return
 * `[loss, aux]`: everything inside aux is kept and returned as `aux`.
 * @example
 * ```ts
 * const f = (x: Tensor) => sum(square(x));
 * const { value, grads } = valueAndGrad(f)(tensor([1, 2]));
 * value.item(); // 5
 * grads[0].toArray(); // [2, 4]
 * const g = (x: Tensor) => { const y = square(x); return [sum(y), { y }] as const; };
 * const r = valueAndGrad(g, { hasAux: true })(tensor([1, 2]));
 * r.aux.y.toArray(); // [1, 4]
 * r.grads[0].toArray(); // [2, 4]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, options?: { hasAux?: false }): (...args: A) => ValueAndGrads;
export function valueAndGrad<A extends Tensor[], Aux>(
  f: (...args: A) => WithAux<Aux>,
  options: { hasAux: true },
): (...args: A) => ValueAuxAndGrads<Aux>;
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => unknown, options: GradOptions = {}): (...args: A) => ValueAndGrads {
  const hasAux = options.hasAux === true;
  return (...args: A) => {
    const r = run('valueAndGrad', () => f(...args), args, hasAux);
    return hasAux ? r : { value: r.value, grads: r.grads };
  };
}

/**
 * grad(f) returns a function that gives the gradient of f's scalar result with respect to
 * each argument (an array, one per argument).
 *
 * Memory: every tensor f creates is disposed when the call returns, the value too (unless
 * f returned one of its arguments); only the gradients survive. With `{ hasAux: true }`, f
 * returns `[loss, aux]` and the call returns `{ grads, aux }` with aux kept alive.
 * @example
 * ```ts
 * const [dx] = grad((x: Tensor) => sum(mul(x, x)))(tensor([3]));
 * dx.toArray(); // [6]
 * const { grads, aux } = grad((x: Tensor) => [sum(mul(x, x)), mul(x, 2)] as const, { hasAux: true })(tensor([3]));
 * grads[0].toArray(); // [6]
 * aux.toArray(); // [6]
 * ```
 */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, options?: { hasAux?: false }): (...args: A) => Tensor[];
export function grad<A extends Tensor[], Aux>(f: (...args: A) => WithAux<Aux>, options: { hasAux: true }): (...args: A) => GradsAndAux<Aux>;
export function grad<A extends Tensor[]>(
  f: (...args: A) => unknown,
  options: GradOptions = {},
): (...args: A) => Tensor[] | GradsAndAux<unknown> {
  const hasAux = options.hasAux === true;
  return (...args: A) => {
    const { value, grads, aux } = run('grad', () => f(...args), args, hasAux);
    // the value is not returned: free it (unless f returned one of its arguments or put it in aux)
    if (!args.includes(value) && !(hasAux && containsTensor(aux, value))) value.dispose();
    return hasAux ? { grads, aux } : grads;
  };
}

function containsTensor(value: unknown, target: Tensor, seen = new Set<unknown>()): boolean {
  if (value === target) return true;
  if (typeof value !== 'object' || value === null || seen.has(value) || isTensor(value)) return false;
  seen.add(value);
  return Object.values(value).some((v) => containsTensor(v, target, seen));
}

/**
 * variableGrads(f, variables): evaluates f() (which reads the variables) and returns its
 * value and the gradient for each variable, in order. What optimizers use.
 *
 * Memory: as valueAndGrad: everything f creates is disposed except the value, the gradients
 * and (with `{ hasAux: true }`, f returning `[loss, aux]`) the aux output.
 * @example
 * ```ts
 * const w = new Variable(tensor([2]));
 * const { value, grads } = variableGrads(() => sum(square(w.value)), [w]);
 * grads[0].toArray(); // [4]
 * const r = variableGrads(() => [sum(square(w.value)), square(w.value)] as const, [w], { hasAux: true });
 * r.aux.toArray(); // [4]
 * ```
 */
export function variableGrads(f: () => Tensor, variables: readonly Variable[], options?: { hasAux?: false }): ValueAndGrads;
export function variableGrads<Aux>(f: () => WithAux<Aux>, variables: readonly Variable[], options: { hasAux: true }): ValueAuxAndGrads<Aux>;
export function variableGrads(f: () => unknown, variables: readonly Variable[], options: GradOptions = {}): ValueAndGrads {
  const hasAux = options.hasAux === true;
  const r = run(
    'variableGrads',
    f,
    variables.map((v) => v.value),
    hasAux,
  );
  return hasAux ? r : { value: r.value, grads: r.grads };
}

/**
 * noGrad(f): runs f without recording anything for gradients (inference, metric code).
 * @example
 * ```ts
 * const [g] = grad((x: Tensor) => add(sum(x), noGrad(() => sum(x))))(tensor([1, 2]));
 * g.toArray(); // [1, 1]
 * ```
 */
export function noGrad<T>(f: () => T): T {
  return withoutTapes(f);
}
