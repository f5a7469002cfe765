import { describe, expect, it } from 'vitest';
import { Adam, Dense, Module, meanSquaredError, trainStep } from '@lec/nn';
import { Rng, type Tensor, f64Backend, gather, mul, noGrad, randn, sum, tensor, tidy, withBackend } from '@lec/tensor';
import { gradCheck } from '@lec/backend-tests';
import { paramGradCheck } from '@lec/backend-tests';
import { EXPRESSION_TOKENS, expressionTrees } from './tasks.js';
import { ChildSumTreeLSTM, NaryTreeLSTM, treeSchedule } from './tree-lstm.js';

describe('treeSchedule', () => {
  it('groups nodes by height and rejects bad parents and cycles', () => {
    const s = treeSchedule({ parents: [-1, 0, 0, 1, -1] });
    expect(s.levels.map((l) => [...l])).toEqual([[2, 3, 4], [1], [0]]);
    expect(s.roots).toEqual([0, 4]);
    expect(() => treeSchedule({ parents: [-1, 7] })).toThrow(/treeSchedule: argument 'parents' has 7 at node 1/);
    expect(() => treeSchedule({ parents: [1, 0] })).toThrow(/cycle/);
  });

  it('handles a 10,000-deep chain without overflowing the stack', () => {
    const n = 10000;
    const parents = Int32Array.from({ length: n }, (_, i) => i - 1);
    expect(treeSchedule({ parents }).levels.length).toBe(n);
  });
});

describe('Tree-LSTM gradients (float64)', () => {
  const f64 = f64Backend();
  const tree = { parents: [-1, 0, 0, 1, 1, 2], slots: [0, 0, 1, 0, 1, 0] };
  for (const [name, make] of [
    ['ChildSumTreeLSTM', () => new ChildSumTreeLSTM(3, 2, { seed: 1, dtype: 'float64' })],
    ['NaryTreeLSTM (binary)', () => new NaryTreeLSTM(3, 2, 2, { seed: 1, dtype: 'float64' })],
  ] as const) {
    it(name, () => {
      withBackend(f64, () => {
        const model = make();
        const x = randn([6, 3], { seed: 2, dtype: 'float64' });
        const w = randn([6, 2], { seed: 3, dtype: 'float64' });
        const r = paramGradCheck(model, () => sum(mul(model.forward({ x, tree }).h, w)));
        expect(r.failures).toEqual([]);
        expect(gradCheck((xi) => model.forward({ x: xi, tree }).h, [x]).ok).toBe(true);
      });
    });
  }

  it('a leaf equals an LSTM step with no children; shared weights are applied at every node', () => {
    withBackend(f64, () => {
      const model = new ChildSumTreeLSTM(2, 3, { seed: 4, dtype: 'float64' });
      const x = randn([3, 2], { seed: 5, dtype: 'float64' });
      const alone = model.forward({ x: gather(x, tensor([1], undefined, { dtype: 'int32' })), tree: { parents: [-1] } }).h.dataSync();
      const inTree = model.forward({ x, tree: { parents: [-1, 0, 0] } }).h.dataSync();
      for (let k = 0; k < 3; k++) expect(inTree[3 + k]).toBeCloseTo(alone[k], 12);
    });
  });
});

class TreeRegressor extends Module<{ x: Tensor; tree: { parents: Int32Array; slots: Int32Array }; roots: Tensor }, Tensor> {
  readonly type = 'TreeRegressor';
  readonly cell: NaryTreeLSTM;
  readonly head: Dense;
  constructor() {
    super();
    const rng = new Rng(7);
    this.cell = this.addModule('cell', new NaryTreeLSTM(EXPRESSION_TOKENS, 32, 2, { rng }));
    this.head = this.addModule('head', new Dense(32, 1, { rng }));
  }
  forward(input: { x: Tensor; tree: { parents: Int32Array; slots: Int32Array }; roots: Tensor }): Tensor {
    return this.head.forward(gather(this.cell.forward(input).h, input.roots));
  }
}

function batchOf(forest: ReturnType<typeof expressionTrees>) {
  const onehot = new Float32Array(forest.tokens.length * EXPRESSION_TOKENS);
  forest.tokens.forEach((tok, i) => (onehot[i * EXPRESSION_TOKENS + tok] = 1));
  return {
    input: {
      x: tensor(onehot, [forest.tokens.length, EXPRESSION_TOKENS]),
      tree: { parents: forest.parents, slots: forest.slots },
      roots: tensor(forest.roots, undefined, { dtype: 'int32' }),
    },
    y: tensor(
      Float32Array.from(forest.values, (v) => v / 10),
      [forest.values.length, 1],
    ),
  };
}

describe('Tree-LSTM learns to evaluate arithmetic expression trees', () => {
  it('test MSE falls far below the predict-the-mean baseline', () => {
    const model = new TreeRegressor();
    const opt = new Adam({ learningRate: 0.01 });
    const rng = new Rng(8);
    const test = batchOf(expressionTrees(300, { maxDepth: 2, seed: 1234 }));
    const ys = test.y.dataSync();
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const baseline = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length;
    for (let step = 0; step < 300; step++) {
      const b = batchOf(expressionTrees(32, { maxDepth: 2, rng }));
      tidy(() => trainStep(model, meanSquaredError, opt, b.input, b.y));
    }
    const mse = noGrad(() => meanSquaredError(model.forward(test.input), test.y).item());
    expect(mse).toBeLessThan(0.1 * baseline);
  });
});
