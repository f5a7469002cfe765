/**
 * Tree-LSTM (Tai, Socher & Manning 2015) over arbitrary trees given as parent arrays.
 *
 * Child-Sum Tree-LSTM, for node j with children C(j) (unordered, any number):
 *   h̃_j  = Σ_{k∈C(j)} h_k
 *   i_j  = σ(W_i x_j + U_i h̃_j + b_i)
 *   f_jk = σ(W_f x_j + U_f h_k + b_f)           one forget gate per child
 *   o_j  = σ(W_o x_j + U_o h̃_j + b_o)
 *   u_j  = tanh(W_u x_j + U_u h̃_j + b_u)
 *   c_j  = i_j ⊙ u_j + Σ_k f_jk ⊙ c_k
 *   h_j  = o_j ⊙ tanh(c_j)
 * N-ary Tree-LSTM, for ordered children in N slots (missing children count as zeros): every
 * gate sees each slot through its own matrix, Σ_l U_l h_jl, and the forget gate of slot k is
 * f_jk = σ(W_f x_j + Σ_l U_kl h_jl + b_f).
 *
 * Nodes are processed level by level (leaves first, by height), so all nodes of one level
 * run as one batch, and a forest of many trees runs together. x is [nodes, features];
 * the result h, c are [nodes, hidden] in node order.
 */
import { checkSizes } from './cells/init.js';
import { type JsonObject, type LayerFactory, Module, glorotUniform, orthogonal, zerosInit } from '@lec/nn';
import {
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  type Variable,
  add,
  concat,
  gather,
  matmul,
  mul,
  scatterAdd,
  sigmoid,
  split,
  tanh,
  tensor,
  zeros,
} from '@lec/tensor';

/** A tree (or a forest): parents[i] is the parent of node i, −1 for a root. */
export interface TreeStructure {
  parents: ArrayLike<number>;
  /** N-ary only: the slot (0..N−1) of each node among its parent's children (default: order of appearance). */
  slots?: ArrayLike<number>;
}

/** The level schedule of a forest, computed once per structure. */
export interface TreeSchedule {
  /** Node ids per level, leaves (height 0) first. */
  levels: Int32Array[];
  /** Children of every node. */
  children: number[][];
  /** Roots. */
  roots: number[];
  /** Position of each node in level order. */
  position: Int32Array;
}

/**
 * treeSchedule(tree): validates a parent array (ids in range, no cycles) and groups nodes by
 * height so every level can run as one batch.
 * @example
 * ```ts
 * treeSchedule({ parents: [-1, 0, 0, 1] }).levels.map((l) => [...l]); // [[2, 3], [1], [0]]
 * ```
 */
export function treeSchedule(tree: TreeStructure): TreeSchedule {
  const n = tree.parents.length;
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = tree.parents[i];
    if (p === -1) roots.push(i);
    else if (!Number.isInteger(p) || p < 0 || p >= n || p === i)
      throw new ValueError(
        'treeSchedule',
        `argument 'parents' has ${p} at node ${i}; expected −1 or a node id in [0, ${n}) other than ${i}`,
      );
    else children[p].push(i);
  }
  // heights by a post-order walk from the roots (iterative: deep trees cannot overflow the stack)
  const height = new Int32Array(n).fill(-1);
  let visited = 0;
  for (const root of roots) {
    const stack: [number, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [node, expanded] = stack.pop()!;
      if (expanded) {
        let h = 0;
        for (const c of children[node]) h = Math.max(h, height[c] + 1);
        height[node] = h;
        visited++;
        continue;
      }
      stack.push([node, true]);
      for (const c of children[node]) stack.push([c, false]);
    }
  }
  if (visited !== n)
    throw new ValueError(
      'treeSchedule',
      `argument 'parents' has a cycle or a node with no path to a root (${n - visited} of ${n} nodes unreachable)`,
    );
  // bucket nodes by height in one pass
  let maxHeight = -1;
  for (let i = 0; i < n; i++) maxHeight = Math.max(maxHeight, height[i]);
  const buckets: number[][] = Array.from({ length: maxHeight + 1 }, () => []);
  for (let i = 0; i < n; i++) buckets[height[i]].push(i);
  const levels = buckets.map((b) => Int32Array.from(b));
  const position = new Int32Array(n);
  let p = 0;
  for (const level of levels) for (const node of level) position[node] = p++;
  return { levels, children, roots, position };
}

/** Options of the Tree-LSTMs. */
export interface TreeLSTMOptions {
  seed?: number;
  rng?: Rng;
  dtype?: 'float32' | 'float64';
}

/** What a Tree-LSTM returns: h and c for every node, in node order. */
export interface TreeResult {
  h: Tensor;
  c: Tensor;
}

function int32(values: ArrayLike<number>, like: Tensor): Tensor {
  return tensor(Int32Array.from(values as ArrayLike<number>), [values.length], { backend: like.backend });
}

abstract class TreeLSTMBase extends Module<{ x: Tensor; tree: TreeStructure | TreeSchedule }, TreeResult> {
  protected readonly options: TreeLSTMOptions;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: TreeLSTMOptions,
  ) {
    super();
    checkSizes(new.target.name, { inputSize, hiddenSize });
    this.options = options;
  }

  /** Sizes, seed and dtype: what `saveModel` writes (see `rnnLayers`). */
  override config(): JsonObject {
    const c: JsonObject = { inputSize: this.inputSize, hiddenSize: this.hiddenSize };
    if (this.options.seed !== undefined) c.seed = this.options.seed;
    if (this.options.dtype && this.options.dtype !== 'float32') c.dtype = this.options.dtype;
    return c;
  }

  protected schedule(tree: TreeStructure | TreeSchedule): TreeSchedule {
    return 'levels' in tree ? tree : treeSchedule(tree);
  }

  protected check(x: Tensor, s: TreeSchedule): void {
    const n = s.position.length;
    if (x.rank !== 2 || x.shape[0] !== n || x.shape[1] !== this.inputSize) {
      throw new ShapeError(`${this.type}.forward`, `argument 'x' expected [${n} nodes, ${this.inputSize}], got [${x.shape.join(', ')}]`);
    }
  }
}

/**
 * Child-Sum Tree-LSTM: children are unordered and any number.
 * @example
 * ```ts
 * const tl = new ChildSumTreeLSTM(3, 4, { seed: 0 });
 * tl.forward({ x: ones([4, 3]), tree: { parents: [-1, 0, 0, 1] } }).h.shape; // [4, 4]
 * ```
 */
export class ChildSumTreeLSTM extends TreeLSTMBase {
  readonly type = 'ChildSumTreeLSTM';

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    context.reserve([inputSize + hiddenSize + 1, 4 * hiddenSize]);
    return new ChildSumTreeLSTM(inputSize, hiddenSize, { seed: c.seed(), dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
  readonly wIou: Variable;
  readonly uIou: Variable;
  readonly bIou: Variable;
  readonly wF: Variable;
  readonly uF: Variable;
  readonly bF: Variable;

  constructor(inputSize: number, hiddenSize: number, options: TreeLSTMOptions = {}) {
    super(inputSize, hiddenSize, options);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    const init = { rng, dtype };
    const H = hiddenSize;
    this.wIou = this.addParameter(
      'wIou',
      concat(
        [0, 1, 2].map(() => glorotUniform()([inputSize, H], init)),
        1,
      ),
    );
    this.uIou = this.addParameter(
      'uIou',
      concat(
        [0, 1, 2].map(() => orthogonal()([H, H], init)),
        1,
      ),
    );
    this.bIou = this.addParameter('bIou', zerosInit()([3 * H], init));
    this.wF = this.addParameter('wF', glorotUniform()([inputSize, H], init));
    this.uF = this.addParameter('uF', orthogonal()([H, H], init));
    this.bF = this.addParameter('bF', tensor(new Float64Array(H).fill(1), [H], { dtype }));
  }

  forward({ x, tree }: { x: Tensor; tree: TreeStructure | TreeSchedule }): TreeResult {
    const s = this.schedule(tree);
    this.check(x, s);
    const H = this.hiddenSize;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let allH: Tensor | null = null;
    let allC: Tensor | null = null;
    for (const level of s.levels) {
      const L = level.length;
      const xl = gather(x, int32(level, x));
      const parentLocal: number[] = [];
      const childPos: number[] = [];
      level.forEach((node, j) => {
        for (const c of s.children[node]) {
          parentLocal.push(j);
          childPos.push(s.position[c]);
        }
      });
      let hTilde: Tensor;
      let fc: Tensor;
      const fx = add(matmul(xl, this.wF.value), this.bF.value);
      if (childPos.length === 0 || !allH || !allC) {
        hTilde = zeros([L, H], { dtype: x.dtype, backend: x.backend });
        fc = hTilde;
      } else {
        const pIdx = int32(parentLocal, x);
        const hChildren = gather(allH, int32(childPos, x));
        const cChildren = gather(allC, int32(childPos, x));
        hTilde = scatterAdd([L, H], pIdx, hChildren);
        const f = sigmoid(add(gather(fx, pIdx), matmul(hChildren, this.uF.value)));
        fc = scatterAdd([L, H], pIdx, mul(f, cChildren));
      }
      const [zi, zo, zu] = split(add(add(matmul(xl, this.wIou.value), this.bIou.value), matmul(hTilde, this.uIou.value)), 3, 1);
      const c = add(mul(sigmoid(zi), tanh(zu)), fc);
      const h = mul(sigmoid(zo), tanh(c));
      hs.push(h);
      cs.push(c);
      allH = hs.length === 1 ? h : concat(hs, 0);
      allC = cs.length === 1 ? c : concat(cs, 0);
    }
    if (!allH || !allC) {
      const empty = zeros([0, H], { dtype: x.dtype, backend: x.backend });
      return { h: empty, c: empty };
    }
    const order = int32(s.position, x);
    return { h: gather(allH, order), c: gather(allC, order) };
  }
}

/**
 * N-ary Tree-LSTM: at most N ordered children per node, each slot with its own weights (so
 * "a − b" and "b − a" differ). Missing children are zeros.
 * @example
 * ```ts
 * const tl = new NaryTreeLSTM(3, 4, 2, { seed: 0 });
 * tl.forward({ x: ones([3, 3]), tree: { parents: [-1, 0, 0] } }).h.shape; // [3, 4]
 * ```
 */
export class NaryTreeLSTM extends TreeLSTMBase {
  readonly type = 'NaryTreeLSTM';

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const arity = c.int('arity', { min: 1, max: 1024 });
    context.reserve([inputSize + arity * hiddenSize + 1, (3 + arity) * hiddenSize]);
    return new NaryTreeLSTM(inputSize, hiddenSize, arity, { seed: c.seed(), dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };

  /**
   * Sizes, arity, seed and dtype.
   * @example
   * ```ts
   * new NaryTreeLSTM(3, 4, 2, { seed: 1 }).config(); // { inputSize: 3, hiddenSize: 4, seed: 1, arity: 2 }
   * ```
   */
  override config(): JsonObject {
    return { ...super.config(), arity: this.arity };
  }
  /** x → [i, o, u, f_1..f_N] gates: [in, (3 + N)·H]. */
  readonly w: Variable;
  /** children slots [N·H] → gates [(3 + N)·H]. */
  readonly u: Variable;
  readonly b: Variable;

  constructor(
    inputSize: number,
    hiddenSize: number,
    readonly arity: number,
    options: TreeLSTMOptions = {},
  ) {
    super(inputSize, hiddenSize, options);
    if (!Number.isSafeInteger(arity) || arity < 1)
      throw new ValueError('NaryTreeLSTM', `argument 'arity' expected a positive integer, got ${arity}`);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    const H = hiddenSize;
    const gates = 3 + arity;
    this.w = this.addParameter('w', glorotUniform()([inputSize, gates * H], { rng, dtype }));
    this.u = this.addParameter('u', glorotUniform()([arity * H, gates * H], { rng, dtype }));
    const b = new Float64Array(gates * H);
    b.fill(1, 3 * H); // forget gates start open
    this.b = this.addParameter('b', tensor(b, [gates * H], { dtype }));
  }

  forward({ x, tree }: { x: Tensor; tree: TreeStructure | TreeSchedule }): TreeResult {
    const s = this.schedule(tree);
    this.check(x, s);
    const slots = 'slots' in tree && tree.slots ? tree.slots : undefined;
    const H = this.hiddenSize;
    const N = this.arity;
    // a zero row first: missing children point at it
    const zeroRow = zeros([1, H], { dtype: x.dtype, backend: x.backend });
    const hs: Tensor[] = [zeroRow];
    const cs: Tensor[] = [zeroRow];
    for (const level of s.levels) {
      const L = level.length;
      const xl = gather(x, int32(level, x));
      const slotPos = Array.from({ length: N }, () => new Int32Array(L));
      level.forEach((node, j) => {
        const kids = s.children[node];
        if (kids.length > N)
          throw new ValueError('NaryTreeLSTM.forward', `node ${node} has ${kids.length} children, more than the arity ${N}`);
        kids.forEach((c, k) => {
          const slot = slots ? slots[c] : k;
          if (!(slot >= 0 && slot < N)) throw new ValueError('NaryTreeLSTM.forward', `node ${c} has slot ${slot}, outside [0, ${N})`);
          slotPos[slot][j] = 1 + s.position[c];
        });
      });
      const allH = hs.length === 1 ? zeroRow : concat(hs, 0);
      const allC = cs.length === 1 ? zeroRow : concat(cs, 0);
      const childH = slotPos.map((p) => gather(allH, int32(p, x)));
      const childC = slotPos.map((p) => gather(allC, int32(p, x)));
      const z = add(add(matmul(xl, this.w.value), this.b.value), matmul(N === 1 ? childH[0] : concat(childH, 1), this.u.value));
      const [zi, zo, zu, ...zf] = split(z, 3 + N, 1);
      let c = mul(sigmoid(zi), tanh(zu));
      zf.forEach((f, k) => {
        c = add(c, mul(sigmoid(f), childC[k]));
      });
      hs.push(mul(sigmoid(zo), tanh(c)));
      cs.push(c);
    }
    const order = int32(
      Array.from(s.position, (p) => p + 1),
      x,
    );
    return { h: gather(concat(hs, 0), order), c: gather(concat(cs, 0), order) };
  }
}
