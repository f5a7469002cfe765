/**
 * runConformance: the one suite every lec backend runs, registered as vitest cases.
 *
 * Sections (case ids are `section/op/case`, which is also what `skip` keys match):
 * - table: every function @lec/tensor exports has an entry or is a listed non-op;
 * - forward: every op on the backend (float32) against the f64 reference (float64),
 *   with edge sizes, special values and broadcasting; each case also checks that
 *   `liveBuffers()` returns to where it started (tidy frees what the op made);
 * - forward-f64: the first case of every op again in float64;
 * - gradcheck: float64 gradients against central finite differences on the backend;
 * - vjp: the float32 backward pass against the reference's (covers backward fast paths);
 * - errors: bad shapes and dtypes raise the typed error naming the op and the argument;
 * - determinism: the same seeded computation twice gives bit-identical results;
 * - fast-paths: each optional fast path the backend has was exercised and checked against
 *   the composite (the reference has none); gemm, which no op calls, is checked directly.
 * A case the backend cannot run is a counted skip with its reason. When the suite ends it
 * writes a JSON report and prints `conformance NAME: N passed, N failed, N skipped`.
 */
import * as lec from '@lec/tensor';
import {
  type BackendV1,
  type DType,
  FAST_PATH_FUNCTIONS,
  type FastPaths,
  fastPathNames,
  type Tensor,
  type TypedArray,
  f64Backend,
  isTensor,
  tensor,
  tidy,
  valueAndGrad,
  withBackend,
  wrapFastPaths,
} from '@lec/tensor';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { bitIdentical, compareArrays } from './compare.js';
import { gradCheck } from './grad-check.js';
import { drawInputs, hashSeed } from './inputs.js';
import { NON_OP_EXPORTS, NO_BAD_INPUT, OP_TABLE } from './op-table/index.js';
import type { CaseContext, CaseFn, ForwardCase, FloatDType, GradCase, OpEntry } from './op-table/types.js';
import type { InputSpec } from './inputs.js';
import { Tally, defaultReportFile, writeReport } from './report.js';
import { DEFAULT_TOLERANCES, type Tolerance, type ToleranceKind, type ToleranceTable, resolveTolerance } from './tolerances.js';

/** Options of runConformance. */
export interface ConformanceOptions {
  /** Short backend name for test titles and the report (`js`, `wasm`, `tfjs-webgl`). */
  name: string;
  /** Makes the backend under test (called once, in beforeAll). */
  makeBackend: () => BackendV1 | Promise<BackendV1>;
  /**
   * Cases the backend cannot run, each with the reason: a key is a case id
   * (`forward/matmul/k 4096 (float32 accumulation)`), a prefix of ids (`gradcheck/conv2d`,
   * `vjp`) or an op name (`conv2d`: all its cases). A key that matches nothing fails the suite.
   */
  skip?: Readonly<Record<string, string>>;
  /** Overrides of tolerance rows (say why next to the call). */
  tolerances?: Partial<ToleranceTable>;
  /** Where the JSON report goes (default `<cwd>/conformance-<name>.json`). */
  reportFile?: string;
  /** The table to run (default OP_TABLE; packages may append entries for their own ops). */
  table?: readonly OpEntry[];
}

/** Thrown by a case body to skip with a reason (turned into vitest's ctx.skip). */
class SkipCase extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function skipUnless(condition: boolean, reason: string): void {
  if (!condition) throw new SkipCase(reason);
}

interface Output {
  shape: number[];
  dtype: DType;
  values: TypedArray;
}

function asList(value: Tensor | readonly Tensor[]): Tensor[] {
  return isTensor(value) ? [value] : [...value];
}

function makeInputs(specs: readonly InputSpec[], data: readonly Float64Array[], dtype: FloatDType, backend: BackendV1): Tensor[] {
  return specs.map((s, i) =>
    s.int ? tensor(Int32Array.from(data[i]), s.shape, { dtype: 'int32', backend }) : tensor(data[i], s.shape, { dtype, backend }),
  );
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Runs `fn` on `backend` inside tidy and reads its outputs; with `leaks`, checks that only
 * the returned tensors outlive the tidy, and that disposing them and the inputs brings
 * `liveBuffers()` back to where it was.
 */
function evaluate(
  backend: BackendV1,
  dtype: FloatDType,
  specs: readonly InputSpec[],
  data: readonly Float64Array[],
  fn: CaseFn,
  leaks: boolean,
  before = backend.liveBuffers(),
): Output[] {
  const inputs = makeInputs(specs, data, dtype, backend);
  const withInputs = backend.liveBuffers();
  const ctx: CaseContext = { dtype, backend };
  let outs: Tensor[] = [];
  let result: Output[];
  try {
    outs = asList(withBackend(backend, () => tidy(() => fn(inputs, ctx))));
    const fresh = new Set(outs.filter((o) => !inputs.includes(o)));
    if (leaks && backend.liveBuffers() !== withInputs + fresh.size) {
      throw new Error(
        `liveBuffers() after tidy is ${backend.liveBuffers()}, expected ${withInputs} + ${fresh.size} returned tensors: the op leaves buffers alive`,
      );
    }
    result = outs.map((o) => ({ shape: [...o.shape], dtype: o.dtype, values: o.dataSync() }));
  } finally {
    for (const o of outs) o.dispose();
    for (const t of inputs) t.dispose();
  }
  if (leaks && backend.liveBuffers() !== before) {
    throw new Error(`liveBuffers() is ${backend.liveBuffers()} after disposing the inputs and outputs, expected ${before}`);
  }
  return result;
}

function checkNoLeak(backend: BackendV1, before: number, what: string): void {
  const now = backend.liveBuffers();
  if (now !== before) throw new Error(`${what}: liveBuffers() went from ${before} to ${now}`);
}

/** Compares outputs of the backend against the reference's. */
function compareOutputs(
  label: string,
  got: Output[],
  want: Output[],
  tolerance: Tolerance,
  runDtype: FloatDType,
  refSameDtype: boolean,
): void {
  if (got.length !== want.length) throw new Error(`${label}: returned ${got.length} tensors, the reference ${want.length}`);
  got.forEach((g, i) => {
    const w = want[i];
    const where = got.length > 1 ? `${label}, output ${i}` : label;
    const expectedDtype: DType = w.dtype === 'float64' && runDtype === 'float32' && !refSameDtype ? 'float32' : w.dtype;
    if (g.dtype !== expectedDtype) throw new Error(`${where}: dtype ${g.dtype}, expected ${expectedDtype}`);
    if (fmtShape(g.shape) !== fmtShape(w.shape)) throw new Error(`${where}: shape ${fmtShape(g.shape)}, expected ${fmtShape(w.shape)}`);
    // the reference computed in float64; a float32 result can at best be its rounding
    const expected = expectedDtype === 'float32' ? Float64Array.from(w.values, Math.fround) : w.values;
    const tol = g.dtype === 'int32' ? { rtol: 0, atol: 0 } : tolerance;
    const c = compareArrays(g.values, expected, tol, g.shape);
    if (!c.ok) throw new Error(`${where} (shape ${fmtShape(g.shape)}, ${g.dtype}): ${c.message}`);
  });
}

/** Weights of the scalar projection Σ w ⊙ f(x) a vjp case differentiates (same on both sides). */
function projectionWeights(size: number, seed: number, round: boolean): Float64Array {
  const rng = new lec.Rng(seed);
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = (rng.uniform(1)[0] < 0.5 ? -1 : 1) * (0.5 + rng.uniform(1)[0]);
    w[i] = round ? Math.fround(v) : v;
  }
  return w;
}

/** The gradients of Σ_k Σ w_k ⊙ f_k(x) with respect to the `wrt` inputs, read back. */
function evaluateVjp(
  backend: BackendV1,
  dtype: FloatDType,
  kase: GradCase,
  data: readonly Float64Array[],
  seed: number,
  leaks: boolean,
): Output[] {
  const wrt = kase.wrt ?? kase.inputs.flatMap((s, i) => (s.int ? [] : [i]));
  const fn: CaseFn = (inputs, ctx) => {
    const { grads } = valueAndGrad((...xs: Tensor[]) => {
      const all = inputs.slice();
      wrt.forEach((i, j) => (all[i] = xs[j]));
      const outs = asList(kase.fn(all, ctx));
      const terms = outs.map((o, k) =>
        lec.sum(lec.mul(o, tensor(projectionWeights(o.size, seed + k, dtype === 'float32'), o.shape, { dtype: o.dtype, backend }))),
      );
      return terms.reduce((a, b) => lec.add(a, b));
    })(...wrt.map((i) => inputs[i]));
    return grads;
  };
  return evaluate(backend, dtype, kase.inputs, data, fn, leaks);
}

/** Registers the conformance suite for one backend. Call it at the top level of a test file. */
export function runConformance(options: ConformanceOptions): void {
  const table = options.table ?? OP_TABLE;
  const tolerances: ToleranceTable = { ...DEFAULT_TOLERANCES, ...options.tolerances };
  const skips = options.skip ?? {};
  const usedSkips = new Set<string>();
  const tally = new Tally();
  const ref = f64Backend();
  const fastPathCalls: Partial<Record<string, number>> = {};
  let backend: BackendV1;

  const skipReason = (id: string, op: string): string | undefined => {
    for (const [key, reason] of Object.entries(skips)) {
      if (key === id || id.startsWith(`${key}/`) || key === op) {
        usedSkips.add(key);
        return reason;
      }
    }
    return undefined;
  };

  /** Registers one counted case. */
  const test = (id: string, op: string, title: string, body: () => void | Promise<void>) => {
    tally.registered++;
    const reason = skipReason(id, op);
    if (reason !== undefined) {
      tally.skipped.push({ id, reason });
      it.skip(`${title} [skipped: ${reason}]`, () => {});
      return;
    }
    it(title, async (ctx) => {
      try {
        await body();
        tally.passed.push(id);
      } catch (e) {
        if (e instanceof SkipCase) {
          tally.skipped.push({ id, reason: e.reason });
          ctx.skip(e.reason);
        }
        tally.failed.push({ id, message: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    });
  };

  const has64 = () => backend.dtypes.includes('float64');
  const no64 = () => `backend '${backend.name}' has no float64 (dtypes: ${backend.dtypes.join(', ')})`;
  const tolOf = (entry: OpEntry, kind: ToleranceKind | undefined) => resolveTolerance(kind ?? entry.tol, tolerances);

  const runForward = (entry: OpEntry, kase: ForwardCase, dtype: FloatDType, seed: number) => {
    if (kase.needsFloat64) skipUnless(has64(), no64());
    const data = drawInputs(kase.inputs, seed, dtype === 'float32');
    const before = backend.liveBuffers();
    try {
      // a case with a cleanup keeps a cache on the backend (a CsrMatrix's copies): fill it first
      if (kase.cleanup) evaluate(backend, dtype, kase.inputs, data, kase.fn, false);
      const start = backend.liveBuffers();
      const got = evaluate(backend, dtype, kase.inputs, data, kase.fn, true, start);
      const want = evaluate(ref, kase.refSameDtype ? dtype : 'float64', kase.inputs, data, kase.fn, false);
      let tol = tolOf(entry, kase.tol);
      if (dtype === 'float64' && (tol.rtol > 0 || tol.atol > 0)) tol = tolerances.float64;
      compareOutputs(`${entry.op} (${kase.name})`, got, want, tol, dtype, kase.refSameDtype ?? false);
    } finally {
      kase.cleanup?.();
    }
    checkNoLeak(backend, before, `${entry.op} (${kase.name})`);
  };

  describe(`conformance ${options.name}`, () => {
    beforeAll(async () => {
      backend = await options.makeBackend();
      if (backend?.apiVersion !== 1) throw new Error(`makeBackend() for '${options.name}' did not return a Backend v1`);
      // count fast-path calls so the fast-paths section can say each one was exercised: each
      // function of the record (every member of a grouped entry) is replaced by a counting wrapper
      for (const name of fastPathNames(backend.fastPaths)) fastPathCalls[name] = 0;
      try {
        (backend as { fastPaths: FastPaths<unknown> }).fastPaths = wrapFastPaths(backend.fastPaths, (name, original) => (...args) => {
          fastPathCalls[name] = (fastPathCalls[name] ?? 0) + 1;
          return original(...args);
        });
      } catch {
        for (const name of Object.keys(fastPathCalls)) delete fastPathCalls[name];
      }
    });

    afterAll(() => {
      const file = options.reportFile ?? defaultReportFile(options.name);
      if (backend) {
        const report = tally.report({
          backend: options.name,
          info: backend.info() as Record<string, unknown>,
          dtypes: [...backend.dtypes],
          fastPaths: {
            present: fastPathNames(backend.fastPaths),
            calls: fastPathCalls as Record<string, number>,
          },
        });
        writeReport(file, report);
        backend.disposeBackend?.();
      }
      console.log(tally.line(options.name));
    });

    describe('table', () => {
      const exported = Object.entries(lec)
        .filter(([, v]) => typeof v === 'function')
        .map(([k]) => k);
      const inTable = new Set(table.map((e) => e.op));
      test(
        'table/every export has an entry',
        'table',
        'every function @lec/tensor exports has a conformance entry or is a listed non-op',
        () => {
          const missing = exported.filter((name) => !inTable.has(name) && !(name in NON_OP_EXPORTS));
          if (missing.length > 0)
            throw new Error(
              `no conformance entry for: ${missing.join(', ')} (add one to the op table, or to NON_OP_EXPORTS if it is not an op)`,
            );
        },
      );
      test('table/every entry is an export', 'table', 'every entry and listed non-op is exported by @lec/tensor, once', () => {
        const stale = [...inTable, ...Object.keys(NON_OP_EXPORTS)].filter((name) => !exported.includes(name));
        if (stale.length > 0) throw new Error(`not exported by @lec/tensor: ${stale.join(', ')}`);
        const both = [...inTable].filter((name) => name in NON_OP_EXPORTS);
        if (both.length > 0) throw new Error(`both an op entry and a non-op: ${both.join(', ')}`);
        const twice = table.map((e) => e.op).filter((op, i, all) => all.indexOf(op) !== i);
        if (twice.length > 0) throw new Error(`entries repeated: ${twice.join(', ')}`);
      });
      test(
        'table/every entry has error inputs',
        'table',
        'every entry has error cases (bad inputs and their typed errors) or says why it has none',
        () => {
          const bare = table.filter((e) => (e.errors ?? []).length === 0 && !(e.op in NO_BAD_INPUT)).map((e) => e.op);
          if (bare.length > 0)
            throw new Error(`no error inputs for: ${bare.join(', ')} (add cases to op-table/error-inputs.ts, or a reason to NO_BAD_INPUT)`);
        },
      );
      test('table/every entry is complete', 'table', 'every entry has forward cases and gradient cases, or says why it has none', () => {
        const bad = table.filter(
          (e) =>
            e.forward.length === 0 ||
            (Array.isArray(e.grad) ? e.grad.length === 0 : !(e.grad as { notDifferentiable: string }).notDifferentiable),
        );
        if (bad.length > 0) throw new Error(`incomplete entries: ${bad.map((e) => e.op).join(', ')}`);
      });
    });

    describe('forward', () => {
      for (const entry of table) {
        describe(entry.op, () => {
          for (const kase of entry.forward) {
            const id = `forward/${entry.op}/${kase.name}`;
            test(id, entry.op, kase.name, () => runForward(entry, kase, 'float32', hashSeed(id)));
          }
        });
      }
    });

    describe('forward-f64', () => {
      for (const entry of table) {
        const kase = entry.forward[0];
        const id = `forward-f64/${entry.op}/${kase.name}`;
        test(id, entry.op, `${entry.op}: ${kase.name}`, () => {
          skipUnless(has64(), no64());
          runForward(entry, kase, 'float64', hashSeed(id));
        });
      }
    });

    describe('gradcheck', () => {
      for (const entry of table) {
        if (!Array.isArray(entry.grad)) continue;
        describe(entry.op, () => {
          for (const kase of entry.grad as readonly GradCase[]) {
            const id = `gradcheck/${entry.op}/${kase.name}`;
            test(id, entry.op, kase.name, () => {
              skipUnless(has64(), `${no64()}: gradient checks run in float64`);
              const data = drawInputs(kase.inputs, hashSeed(id), false);
              const before = backend.liveBuffers();
              const inputs = makeInputs(kase.inputs, data, 'float64', backend);
              try {
                const ctx: CaseContext = { dtype: 'float64', backend };
                withBackend(backend, () =>
                  gradCheck((...xs) => kase.fn(xs, ctx), inputs, {
                    ...tolerances.gradcheck,
                    ...(kase.eps ? { eps: kase.eps } : {}),
                    wrt: kase.wrt,
                    seed: hashSeed(id),
                  }),
                );
              } finally {
                for (const t of inputs) t.dispose();
                kase.cleanup?.();
              }
              checkNoLeak(backend, before, `gradCheck of ${entry.op} (${kase.name})`);
            });
          }
        });
      }
    });

    describe('vjp', () => {
      for (const entry of table) {
        if (!Array.isArray(entry.grad)) continue;
        describe(entry.op, () => {
          for (const kase of entry.grad as readonly GradCase[]) {
            const id = `vjp/${entry.op}/${kase.name}`;
            test(id, entry.op, kase.name, () => {
              const seed = hashSeed(id);
              const data = drawInputs(kase.inputs, seed, true);
              const before = backend.liveBuffers();
              try {
                if (kase.cleanup) evaluateVjp(backend, 'float32', kase, data, seed, false);
                const got = evaluateVjp(backend, 'float32', kase, data, seed, true);
                const want = evaluateVjp(ref, 'float64', kase, data, seed, false);
                const tol = kase.tol ? resolveTolerance(kase.tol, tolerances) : tolerances.vjp;
                compareOutputs(`gradients of ${entry.op} (${kase.name})`, got, want, tol, 'float32', false);
              } finally {
                kase.cleanup?.();
              }
              checkNoLeak(backend, before, `gradients of ${entry.op} (${kase.name})`);
            });
          }
        });
      }
    });

    describe('errors', () => {
      for (const entry of table) {
        if (!entry.errors || entry.errors.length === 0) continue;
        describe(entry.op, () => {
          for (const e of entry.errors ?? []) {
            const op = e.op ?? entry.op;
            const id = `errors/${entry.op}/${e.name}`;
            test(id, entry.op, `${e.name}: ${e.error.name} naming '${e.arg}'`, () => {
              const before = backend.liveBuffers();
              let thrown: unknown;
              try {
                withBackend(backend, () => tidy(() => e.fn({ dtype: 'float32', backend })));
              } catch (err) {
                thrown = err;
              }
              if (thrown === undefined) throw new Error(`${entry.op} (${e.name}): expected a ${e.error.name}, nothing was thrown`);
              if (!(thrown instanceof e.error))
                throw new Error(
                  `${entry.op} (${e.name}): expected a ${e.error.name}, got ${(thrown as Error)?.name}: ${(thrown as Error)?.message}`,
                );
              const message = (thrown as Error).message;
              if (!message.startsWith(`${op}:`) || (thrown as lec.LecError).op !== op)
                throw new Error(`${entry.op} (${e.name}): the message should start with '${op}:', got: ${message}`);
              if (!message.includes(`'${e.arg}'`))
                throw new Error(`${entry.op} (${e.name}): the message should name the argument '${e.arg}', got: ${message}`);
              checkNoLeak(backend, before, `${entry.op} (${e.name}) after the error`);
            });
          }
        });
      }
      test('errors/mixed backends', 'errors', 'tensors from two backends raise a BackendError naming both arguments', () => {
        const a = tensor([1, 2], undefined, { backend });
        const b = tensor([1, 2], undefined, { backend: ref });
        try {
          lec.add(a, b);
          throw new Error('add of tensors on two backends did not throw');
        } catch (err) {
          if (!(err instanceof lec.BackendError) || !/^add:.*'a'.*'b'/.test(err.message)) throw err;
        } finally {
          a.dispose();
          b.dispose();
        }
      });
      test('errors/disposed tensor', 'errors', 'using a disposed tensor raises a typed error', () => {
        const a = tensor([1, 2], undefined, { backend });
        a.dispose();
        let thrown: unknown;
        try {
          lec.exp(a);
        } catch (err) {
          thrown = err;
        }
        if (!(thrown instanceof lec.LecError)) throw new Error(`exp of a disposed tensor: expected a LecError, got ${String(thrown)}`);
      });
    });

    describe('determinism', () => {
      for (const entry of table) {
        const kase = entry.forward.find((k) => k.inputs.length > 0) ?? entry.forward[0];
        const id = `determinism/${entry.op}/${kase.name}`;
        test(id, entry.op, `${entry.op}: ${kase.name} twice is bit-identical`, () => {
          const data = drawInputs(kase.inputs, hashSeed(id), true);
          try {
            const first = evaluate(backend, 'float32', kase.inputs, data, kase.fn, false);
            const second = evaluate(backend, 'float32', kase.inputs, data, kase.fn, false);
            first.forEach((o, i) => {
              const same = bitIdentical(o.values, second[i].values);
              if (!same.ok)
                throw new Error(
                  `${entry.op} (${kase.name}): output ${i} differs between two runs at index ${same.index}: ${o.values[same.index]} then ${second[i].values[same.index]}`,
                );
            });
          } finally {
            kase.cleanup?.();
          }
        });
      }
      test(
        'determinism/seeded training step',
        'determinism',
        'a seeded training step (conv, pool, dense, dropout, loss, gradients) twice is bit-identical',
        () => {
          const step = () =>
            withBackend(backend, () =>
              tidy(() => {
                const x = lec.randn([4, 8, 8, 3], { seed: 1 });
                const w1 = lec.randn([3, 3, 3, 8], { seed: 2, std: 0.3 });
                const w2 = lec.randn([128, 10], { seed: 3, std: 0.1 });
                const labels = tensor(Int32Array.from([1, 7, 3, 9]), [4]);
                const { value, grads } = valueAndGrad((a: Tensor, b: Tensor) => {
                  const h = lec.maxPool2d(lec.relu(lec.conv2d(x, a, { padding: 'same' })), 2);
                  const z = lec.matmul(lec.dropout(lec.reshape(h, [4, -1]), 0.25, { seed: 4 }), b);
                  return lec.softmaxCrossEntropy(z, labels);
                })(w1, w2);
                return [value, ...grads].map((t) => t.dataSync());
              }),
            );
          const first = step();
          const second = step();
          first.forEach((v, i) => {
            const same = bitIdentical(v, second[i]);
            if (!same.ok) throw new Error(`result ${i} differs between two runs at index ${same.index}`);
          });
        },
      );
    });

    describe('fast-paths', () => {
      for (const fp of FAST_PATH_FUNCTIONS) {
        const id = `fast-paths/${fp}`;
        test(id, fp, fp, () => {
          skipUnless(
            fastPathNames(backend.fastPaths).includes(fp),
            `backend '${backend.name}' has no ${fp} fast path; the op cases check its composite`,
          );
          if (fp === 'gemm') checkGemm(backend, ref, tolerances);
          else if (fastPathCalls[fp] !== undefined && fastPathCalls[fp] === 0) {
            throw new Error(`the backend has a ${fp} fast path but no conformance case reached it`);
          }
        });
      }
      test('fast-paths/skips are used', 'table', 'every skip key matches a case', () => {
        const unused = Object.keys(skips).filter((k) => !usedSkips.has(k));
        if (unused.length > 0) throw new Error(`skip keys that match no case: ${unused.join(', ')}`);
      });
    });
  });
}

/**
 * gemm is a fast path no op calls yet, so it is checked directly: op(a)·op(b) + bias, then the
 * activation, against matmul + add + activation on the reference.
 */
function checkGemm(backend: BackendV1, ref: BackendV1, tolerances: ToleranceTable): void {
  const gemm = backend.fastPaths.gemm!;
  const activations = ['none', 'relu', 'sigmoid', 'tanh'] as const;
  const shapes = [
    [1, 1, 1],
    [5, 7, 3],
    [17, 16, 33],
    [64, 65, 67],
    [3, 4, 4096],
    [0, 3, 2],
  ];
  let n = 0;
  for (const [m, nn, k] of shapes) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const act = activations[n % activations.length];
      const withBias = n % 2 === 0;
      n++;
      const rng = new lec.Rng(hashSeed(`gemm ${m} ${nn} ${k} ${ta} ${tb}`));
      const a = Float64Array.from(rng.uniform(m * k), (v) => Math.fround(2 * v - 1));
      const b = Float64Array.from(rng.uniform(k * nn), (v) => Math.fround(2 * v - 1));
      const bias = Float64Array.from(rng.uniform(nn), (v) => Math.fround(2 * v - 1));
      const before = backend.liveBuffers();
      const ha = backend.fromArray(a, 'float32');
      const hb = backend.fromArray(b, 'float32');
      const hbias = withBias ? backend.fromArray(bias, 'float32') : null;
      const out = gemm(ha, hb, hbias, { m, n: nn, k, transposeA: ta, transposeB: tb }, act, 'float32');
      const got = backend.read(out, 'float32');
      for (const h of [ha, hb, hbias, out]) if (h !== null) backend.dispose(h);
      checkNoLeak(backend, before, 'gemm');
      const want = withBackend(ref, () =>
        tidy(() => {
          const ta64 = tensor(a, ta ? [k, m] : [m, k], { dtype: 'float64' });
          const tb64 = tensor(b, tb ? [nn, k] : [k, nn], { dtype: 'float64' });
          let z = lec.matmul(ta64, tb64, { transposeA: ta, transposeB: tb });
          if (withBias) z = lec.add(z, tensor(bias, [nn], { dtype: 'float64' }));
          if (act === 'relu') z = lec.relu(z);
          if (act === 'sigmoid') z = lec.sigmoid(z);
          if (act === 'tanh') z = lec.tanh(z);
          return z.dataSync();
        }),
      );
      const tol =
        act === 'none' || act === 'relu'
          ? tolerances.reduction(k)
          : { ...tolerances.reduction(k), rtol: Math.max(tolerances.reduction(k).rtol, tolerances.transcendental.rtol) };
      const c = compareArrays(got, Float64Array.from(want, Math.fround), tol, [m, nn]);
      if (!c.ok)
        throw new Error(`gemm m ${m}, n ${nn}, k ${k}${ta ? ', aᵀ' : ''}${tb ? ', bᵀ' : ''}, bias ${withBias}, ${act}: ${c.message}`);
    }
  }
}
