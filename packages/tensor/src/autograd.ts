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

function run(op: string, f: () => Tensor, watched: readonly Tensor[]): ValueAndGrads {
  checkArgs(op, watched);
  const tape = new Tape();
  for (const t of watched) tape.watch(t);
  return tidy(() => {
    pushTape(tape);
    let value: Tensor;
    try {
      value = checkValue(op, f());
    } finally {
      popTape(tape);
    }
    const grads = backward(tape, value, onesLike(value));
    return { value, grads: watched.map((t) => grads.get(t.id) ?? zerosLike(t)) };
  });
}

/**
 * valueAndGrad(f) returns a function that evaluates f and the gradient of its (scalar)
 * result with respect to each argument.
 * @example
 * ```ts
 * const f = (x: Tensor) => sum(square(x));
 * const { value, grads } = valueAndGrad(f)(tensor([1, 2]));
 * value.item(); // 5
 * grads[0].toArray(); // [2, 4]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor): (...args: A) => ValueAndGrads {
  return (...args: A) => run('valueAndGrad', () => f(...args), args);
}

/**
 * grad(f) returns a function that gives the gradient of f's scalar result with respect to
 * each argument (an array, one per argument).
 * @example
 * ```ts
 * const [dx] = grad((x: Tensor) => sum(mul(x, x)))(tensor([3]));
 * dx.toArray(); // [6]
 * ```
 */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor): (...args: A) => Tensor[] {
  return (...args: A) => {
    const { value, grads } = run('grad', () => f(...args), args);
    // the value is not returned: free it (unless f returned one of its arguments)
    if (!args.includes(value)) value.dispose();
    return grads;
  };
}

/**
 * variableGrads(f, variables): evaluates f() (which reads the variables) and returns its
 * value and the gradient for each variable, in order. What optimizers use.
 * @example
 * ```ts
 * const w = new Variable(tensor([2]));
 * const { value, grads } = variableGrads(() => sum(square(w.value)), [w]);
 * grads[0].toArray(); // [4]
 * ```
 */
export function variableGrads(f: () => Tensor, variables: readonly Variable[]): ValueAndGrads {
  return run(
    'variableGrads',
    f,
    variables.map((v) => v.value),
  );
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
