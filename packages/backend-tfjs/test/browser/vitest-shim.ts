/**
 * The slice of vitest's API the conformance suite and the browser tests register cases with
 * (describe / it / test / hooks / expect / context.skip), run in a plain page. The bundler
 * aliases 'vitest' to this file for the browser build; `expect` is vitest's own (chai with
 * @vitest/expect's matchers), so assertions behave as they do in Node.
 */
// @ts-expect-error resolved by run-browser.mjs from vitest's own dependencies (not a direct dependency)
import { ChaiStyleAssertions, JestAsymmetricMatchers, JestChaiExpect, JestExtend, chai } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

type Fn = (ctx: TestContext) => unknown;
type Hook = () => unknown;

export interface TestContext {
  skip(note?: string): never;
  task: { name: string };
}

interface TestNode {
  kind: 'test';
  name: string;
  fn?: Fn;
  skip?: string | true;
  todo?: boolean;
}
interface Suite {
  kind: 'suite';
  name: string;
  children: (Suite | TestNode)[];
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
  skip?: boolean;
}

export interface TestResult {
  name: string;
  state: 'pass' | 'fail' | 'skip';
  error?: string;
  note?: string;
  ms: number;
}

const root: Suite = { kind: 'suite', name: '', children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
let current = root;

class SkipSignal extends Error {
  constructor(readonly note: string | undefined) {
    super(note ?? 'skipped');
  }
}

function addSuite(name: string, fn: () => void, skip = false): void {
  const s: Suite = { kind: 'suite', name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], skip };
  current.children.push(s);
  const parent = current;
  current = s;
  try {
    fn();
  } finally {
    current = parent;
  }
}

function fmtName(name: string, args: unknown[]): string {
  let i = 0;
  return name.replace(/%[sdifjo]/g, () => String(args[i++]));
}

type DescribeFn = ((name: string, fn: () => void) => void) & {
  skip: (name: string, fn: () => void) => void;
  skipIf: (cond: unknown) => (name: string, fn: () => void) => void;
  runIf: (cond: unknown) => (name: string, fn: () => void) => void;
  each: <A>(cases: readonly A[]) => (name: string, fn: (...args: A[]) => void) => void;
  concurrent: (name: string, fn: () => void) => void;
  sequential: (name: string, fn: () => void) => void;
};

export const describe = ((name: string, fn: () => void) => addSuite(name, fn)) as DescribeFn;
describe.skip = (name, fn) => addSuite(name, fn, true);
describe.skipIf = (cond) => (name, fn) => addSuite(name, fn, Boolean(cond));
describe.runIf = (cond) => (name, fn) => addSuite(name, fn, !cond);
describe.concurrent = describe;
describe.sequential = describe;
describe.each = (cases) => (name, fn) => {
  for (const c of cases) {
    const args = (Array.isArray(c) ? c : [c]) as never[];
    addSuite(fmtName(name, args), () => (fn as (...a: unknown[]) => void)(...args));
  }
};

type ItFn = ((name: string, fn?: Fn, timeout?: number) => void) & {
  skip: (name: string, fn?: Fn) => void;
  todo: (name: string) => void;
  skipIf: (cond: unknown) => (name: string, fn?: Fn) => void;
  runIf: (cond: unknown) => (name: string, fn?: Fn) => void;
  each: <A>(cases: readonly A[]) => (name: string, fn: (...args: A[]) => unknown) => void;
  concurrent: (name: string, fn?: Fn) => void;
  sequential: (name: string, fn?: Fn) => void;
  fails: (name: string, fn?: Fn) => void;
};

export const it = ((name: string, fn?: Fn) => {
  current.children.push({ kind: 'test', name, fn });
}) as ItFn;
it.skip = (name, fn) => current.children.push({ kind: 'test', name, fn, skip: true });
it.todo = (name) => current.children.push({ kind: 'test', name, todo: true });
it.skipIf = (cond) => (name, fn) => current.children.push({ kind: 'test', name, fn, skip: cond ? true : undefined });
it.runIf = (cond) => (name, fn) => current.children.push({ kind: 'test', name, fn, skip: cond ? undefined : true });
it.concurrent = it;
it.sequential = it;
it.fails = (name, fn) =>
  it(name, async (ctx) => {
    try {
      await fn?.(ctx);
    } catch {
      return;
    }
    throw new Error('expected the test to fail');
  });
it.each = (cases) => (name, fn) => {
  for (const c of cases) {
    const args = (Array.isArray(c) ? c : [c]) as never[];
    it(fmtName(name, args), () => (fn as (...a: unknown[]) => unknown)(...args));
  }
};
export const test = it;

export const beforeAll = (h: Hook): void => void current.beforeAll.push(h);
export const afterAll = (h: Hook): void => void current.afterAll.push(h);
export const beforeEach = (h: Hook): void => void current.beforeEach.push(h);
export const afterEach = (h: Hook): void => void current.afterEach.push(h);
export const onTestFinished = (_h: Hook): void => undefined;

export const expect = ((value: unknown, message?: string) => chai.expect(value, message)) as unknown as typeof chai.expect & {
  soft: typeof chai.expect;
  unreachable: (m?: string) => never;
};
Object.assign(expect, chai.expect);
expect.soft = expect;
expect.unreachable = (m?: string) => {
  throw new Error(`expected${m ? ` "${m}" ` : ' '}not to be reached`);
};
export const assert = chai.assert;
export const vi = {};

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/**
 * Runs everything registered so far, in order; `onResult` sees each result as it lands. With
 * `grep`, only the tests whose full name contains it run (the others are left out, not counted).
 */
export async function runRegistered(onResult?: (r: TestResult) => void, grep?: string): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const emit = (r: TestResult) => {
    results.push(r);
    onResult?.(r);
  };
  async function runSuite(s: Suite, path: string[], eachHooks: { before: Hook[]; after: Hook[] }, skipped: boolean): Promise<void> {
    const names = s.name ? [...path, s.name] : path;
    const skipAll = skipped || Boolean(s.skip);
    const hooks = { before: [...eachHooks.before, ...s.beforeEach], after: [...s.afterEach, ...eachHooks.after] };
    let setupError: string | undefined;
    if (!skipAll) {
      try {
        for (const h of s.beforeAll) await h();
      } catch (e) {
        setupError = `beforeAll failed: ${errorText(e)}`;
      }
    }
    for (const child of s.children) {
      if (child.kind === 'suite') {
        if (setupError) {
          emit({ name: [...names, child.name].join(' > '), state: 'fail', error: setupError, ms: 0 });
          continue;
        }
        await runSuite(child, names, hooks, skipAll);
        continue;
      }
      const name = [...names, child.name].join(' > ');
      if (grep && !name.includes(grep)) continue;
      if (skipAll || child.skip || child.todo || !child.fn) {
        emit({ name, state: 'skip', note: child.todo ? 'todo' : /\[skipped: (.*)\]$/s.exec(child.name)?.[1], ms: 0 });
        continue;
      }
      if (setupError) {
        emit({ name, state: 'fail', error: setupError, ms: 0 });
        continue;
      }
      const t0 = performance.now();
      const ctx: TestContext = {
        skip(note?: string): never {
          throw new SkipSignal(note);
        },
        task: { name: child.name },
      };
      try {
        for (const h of hooks.before) await h();
        await child.fn(ctx);
        for (const h of hooks.after) await h();
        emit({ name, state: 'pass', ms: performance.now() - t0 });
      } catch (e) {
        if (e instanceof SkipSignal) emit({ name, state: 'skip', note: e.note, ms: performance.now() - t0 });
        else emit({ name, state: 'fail', error: errorText(e), ms: performance.now() - t0 });
        try {
          for (const h of hooks.after) await h();
        } catch {
          /* the failure is already recorded */
        }
      }
    }
    if (!skipAll) {
      try {
        for (const h of s.afterAll) await h();
      } catch (e) {
        emit({ name: `${names.join(' > ')} (afterAll)`, state: 'fail', error: errorText(e), ms: 0 });
      }
    }
  }
  await runSuite(root, [], { before: [], after: [] }, false);
  return results;
}
