/**
 * Synthetic tasks for recurrent models, all seeded.
 */
import { Rng, type Tensor, ValueError, tensor } from '@lec/tensor';

/**
 * The adding problem (Hochreiter & Schmidhuber 1997): each sequence has T steps of
 * [value, marker] with values uniform in [0, 1); exactly two markers are 1, one in each half,
 * and the target is the sum of the two marked values. Predicting the mean (1) scores an MSE
 * of about 1/6 ≈ 0.17; solving it needs memory across T steps.
 * @example
 * ```ts
 * const { x, y } = addingProblem(4, 100, { seed: 0 });
 * [x.shape, y.shape]; // [[4, 100, 2], [4, 1]]
 * ```
 */
export function addingProblem(n: number, steps: number, options: { seed?: number; rng?: Rng } = {}): { x: Tensor; y: Tensor } {
  if (!Number.isSafeInteger(steps) || steps < 2)
    throw new ValueError('addingProblem', `argument 'steps' expected an integer >= 2, got ${steps}`);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const x = new Float32Array(n * steps * 2);
  const y = new Float32Array(n);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < n; i++) {
    const values = rng.uniform(steps, 24);
    for (let t = 0; t < steps; t++) x[(i * steps + t) * 2] = values[t];
    const a = rng.int(half);
    const b = half + rng.int(steps - half);
    x[(i * steps + a) * 2 + 1] = 1;
    x[(i * steps + b) * 2 + 1] = 1;
    y[i] = values[a] + values[b];
  }
  return { x: tensor(x, [n, steps, 2]), y: tensor(y, [n, 1]) };
}

/** A forest of arithmetic expression trees. */
export interface ExpressionForest {
  /** Parent of every node (−1 for roots). */
  parents: Int32Array;
  /** Slot of every node under its parent (0 = left operand, 1 = right). */
  slots: Int32Array;
  /** Token of every node: 0..9 digits, 10 '+', 11 '−'. */
  tokens: Int32Array;
  /** Root node of each tree. */
  roots: Int32Array;
  /** Value of each tree. */
  values: Float64Array;
  /** Each tree written out, e.g. "((3+4)−2)". */
  text: string[];
}

/** The vocabulary size of expression tokens (10 digits, '+', '−'). */
export const EXPRESSION_TOKENS = 12;

/**
 * expressionTrees(n, {maxDepth, seed}): n random binary expression trees over single digits
 * with + and −, as one forest (parent arrays). The task: read a tree bottom-up and output its
 * value, which needs the operators and the order of the operands.
 * @example
 * ```ts
 * const f = expressionTrees(2, { maxDepth: 2, seed: 1 });
 * f.roots.length; // 2
 * ```
 */
export function expressionTrees(n: number, options: { maxDepth?: number; seed?: number; rng?: Rng } = {}): ExpressionForest {
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const maxDepth = options.maxDepth ?? 3;
  const parents: number[] = [];
  const slots: number[] = [];
  const tokens: number[] = [];
  const roots: number[] = [];
  const values: number[] = [];
  const text: string[] = [];
  const build = (parent: number, slot: number, depth: number): { value: number; text: string } => {
    const id = parents.length;
    parents.push(parent);
    slots.push(slot);
    const leaf = depth >= maxDepth || (depth > 0 && rng.int(3) === 0);
    if (leaf) {
      const d = rng.int(10);
      tokens.push(d);
      return { value: d, text: String(d) };
    }
    const op = rng.int(2);
    tokens.push(10 + op);
    const left = build(id, 0, depth + 1);
    const right = build(id, 1, depth + 1);
    return {
      value: op === 0 ? left.value + right.value : left.value - right.value,
      text: `(${left.text}${op === 0 ? '+' : '−'}${right.text})`,
    };
  };
  for (let i = 0; i < n; i++) {
    roots.push(parents.length);
    const r = build(-1, 0, 0);
    values.push(r.value);
    text.push(r.text);
  }
  return {
    parents: Int32Array.from(parents),
    slots: Int32Array.from(slots),
    tokens: Int32Array.from(tokens),
    roots: Int32Array.from(roots),
    values: Float64Array.from(values),
    text,
  };
}
