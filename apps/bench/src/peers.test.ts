/**
 * The PyTorch peer (skip path; a tiny end-to-end run when torch is installed), the ratio column,
 * `--profile`'s classification and a real profile, and the browser bench on a tiny case
 * (skipped, saying why, without chromium).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserUnavailable, runBrowserBench } from './browser/run-browser.js';
import type { Result } from './harness/types.js';
import { onnxruntimeWeb, OrtWebImpl } from './impls/onnxruntime-web.js';
import { PytorchImpl, pytorch } from './impls/pytorch.js';
import { classify, exportNames, runProfile, summarizeProfile } from './profile.js';
import { buildTables } from './report/table.js';
import { runBench } from './run.js';

const torchHere = (() => {
  try {
    execFileSync(process.env.LEC_BENCH_PYTHON || 'python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!torchHere) console.log('@lec/bench: the pytorch end-to-end tests are skipped: python3 -c "import torch" fails here');

const savedEnv = { py: process.env.PYTHONPATH, exe: process.env.LEC_BENCH_PYTHON };
afterEach(() => {
  for (const [k, v] of [
    ['PYTHONPATH', savedEnv.py],
    ['LEC_BENCH_PYTHON', savedEnv.exe],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe('pytorch peer', () => {
  it('is skipped with the reason, recorded in the results, when torch cannot be imported', async () => {
    // a `torch` package that fails to import, first on the path
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lec-no-torch-'));
    fs.mkdirSync(path.join(dir, 'torch'));
    fs.writeFileSync(path.join(dir, 'torch', '__init__.py'), 'raise ImportError("no torch in this test")\n');
    process.env.PYTHONPATH = dir;
    const report = await runBench({
      suites: ['gemm'],
      quick: true,
      tiny: true,
      threads: 2,
      implFactories: [pytorch],
      progress: 'silent',
      print: () => {},
    });
    expect(report.results.map((r) => [r.impl, r.case, r.status])).toEqual([
      ['pytorch', '(all cases)', 'skipped'],
      ['pytorch-t2', '(all cases)', 'skipped'],
    ]);
    for (const r of report.results) expect(r.note).toMatch(/import torch.*ImportError: no torch in this test/);
    expect(report.text).toMatch(/impl pytorch not run: python3 -c "import torch" does not work here/);
  }, 60_000);

  it('is skipped with the reason when the Python executable does not exist', async () => {
    process.env.LEC_BENCH_PYTHON = '/nonexistent/python3';
    const impl = new PytorchImpl('pytorch', 1);
    await expect(impl.setup()).rejects.toThrow(/cannot start \/nonexistent\/python3/);
  });

  it.skipIf(!torchHere)(
    'runs the tiny gemm and conv cases end to end at 1 and 2 threads, checked against the float64 reference',
    async () => {
      const report = await runBench({
        suites: ['gemm', 'conv'],
        quick: true,
        tiny: true,
        threads: 2,
        implFactories: [pytorch],
        progress: 'silent',
        print: () => {},
      });
      const ok = report.results.filter((r) => r.status === 'ok');
      expect(report.results.filter((r) => r.status === 'wrong')).toEqual([]);
      // gemm: 2 reused + 1 fresh; conv: 3 passes; for each of the two thread counts
      expect(ok.length).toBe(12);
      for (const r of ok) {
        expect(r.gflops).toBeGreaterThan(0);
        expect(r.metrics?.samples).toBeGreaterThanOrEqual(1);
      }
      expect(new Set(ok.map((r) => r.threads))).toEqual(new Set([1, 2]));
      expect(report.notes.join('\n')).toMatch(/pytorch: torch \d/);
    },
    120_000,
  );

  it.skipIf(!torchHere)(
    "trains the tiny LeNet, AE and LSTM steps with the same parameter counts as lec's models",
    async () => {
      const cnn = (await import('@lec/cnn')) as unknown as { lenet5(o: { seed: number }): { numParameters(): number } };
      const ae = (await import('@lec/autoencoder')) as unknown as {
        Autoencoder: { dense(o: object): { numParameters(): number } };
      };
      const rnn = (await import('@lec/rnn')) as unknown as { LSTM: new (i: number, h: number) => { numParameters(): number } };
      const impl = new PytorchImpl('pytorch', 1);
      await impl.setup();
      try {
        const b64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
        const lenet = await impl.train({
          model: 'lenet',
          lr: 1e-3,
          x: [b64(new Float32Array(4 * 784).fill(0.5))],
          y: [b64(Int32Array.from([1, 2, 3, 4]))],
          warmup: 1,
          steps: 2,
        });
        expect(lenet.parameters).toBe(cnn.lenet5({ seed: 0 }).numParameters());
        expect(lenet.ms.length).toBe(2);
        expect(lenet.losses!.every(Number.isFinite)).toBe(true);
        const dense = await impl.train({
          model: 'ae',
          inputs: 784,
          hidden: 256,
          latent: 32,
          lr: 1e-3,
          x: [b64(new Float32Array(2 * 784).fill(0.2))],
          warmup: 0,
          steps: 1,
        });
        expect(dense.parameters).toBe(
          ae.Autoencoder.dense({ inputSize: 784, hiddenSizes: [256], latentSize: 32, seed: 0 }).numParameters(),
        );
        const lstm = await impl.train({
          model: 'lstm',
          batch: 2,
          seqLength: 3,
          inputs: 64,
          hidden: 128,
          lr: 0.01,
          x: [b64(new Float32Array(2 * 3 * 64).fill(0.1))],
          y: [b64(new Float32Array(2 * 128).fill(0.3))],
          warmup: 0,
          steps: 1,
        });
        expect(lstm.parameters).toBe(new rnn.LSTM(64, 128).numParameters());
        const infer = await impl.infer({ x: [b64(new Float32Array(784))], warmup: 0, steps: 2 });
        expect(infer.ms.length).toBe(2);
      } finally {
        impl.dispose();
      }
    },
    120_000,
  );
});

describe('onnxruntime-web peer', () => {
  it('runs the tiny gemm and conv forward / input-gradient cases at 1 and 2 threads in Node, checked against the float64 reference', async () => {
    const report = await runBench({
      suites: ['gemm', 'conv'],
      quick: true,
      tiny: true,
      threads: 2,
      implFactories: [onnxruntimeWeb],
      progress: 'silent',
      print: () => {},
    });
    expect(report.results.filter((r) => r.status === 'wrong')).toEqual([]);
    const ok = report.results.filter((r) => r.status === 'ok');
    // gemm: the 2 reused-operand cases; conv: forward and input gradient; for each thread count
    expect(ok.map((r) => `${r.impl} ${r.suite} ${r.case.split(' ')[0]}`).sort()).toEqual(
      ['onnxruntime-web', 'onnxruntime-web-t2']
        .flatMap((i) => [`${i} conv backprop-input`, `${i} conv forward`, `${i} gemm 8x12·12x8`, `${i} gemm A·Bᵀ`])
        .sort(),
    );
    for (const r of ok) {
      expect(r.gflops).toBeGreaterThan(0);
      expect(r.metrics?.max_abs_diff).toBeTypeOf('number');
      expect(r.threads).toBe(r.impl.endsWith('-t2') ? 2 : 1);
    }
    const filter = report.results.filter((r) => r.case.startsWith('backprop-filter'));
    expect(filter.map((r) => [r.impl, r.status, r.note])).toEqual([
      ['onnxruntime-web', 'skipped', 'onnxruntime is inference-only: no filter-gradient op'],
      ['onnxruntime-web-t2', 'skipped', 'onnxruntime is inference-only: no filter-gradient op'],
    ]);
    // the notes name the WebAssembly module it loads and the threads it really runs with (no fallback to 1)
    const notes = report.notes.join('\n');
    expect(notes).toMatch(
      /onnxruntime-web: onnxruntime-web 1\.30\.0 in Node.*loads ort-wasm-simd-threaded\.wasm \(SIMD, threaded build\); env\.wasm\.numThreads = 1/,
    );
    expect(notes).toMatch(/onnxruntime-web-t2: .*env\.wasm\.numThreads = 2/);
    expect(notes).not.toMatch(/fell back/);
  }, 120_000);

  it('reports a failed case as an error, not a crash, and its worker ends with dispose', async () => {
    const impl = new OrtWebImpl(1);
    await impl.setup();
    try {
      const runner = await impl.gemm(
        { m: 2, n: 2, k: 2, transposeA: false, transposeB: false },
        new Float32Array(4).fill(1),
        new Float32Array(4).fill(2),
      );
      await runner.run();
      expect(Array.from(await runner.read())).toEqual([4, 4, 4, 4]);
      // operands that do not fit the declared shapes: the host rejects the case and stays usable
      await expect(
        impl.gemm({ m: 2, n: 2, k: 3, transposeA: false, transposeB: false }, new Float32Array(4), new Float32Array(4)),
      ).rejects.toThrow(/size\(6\) does not match data length\(4\)/);
      const again = await impl.gemm(
        { m: 1, n: 1, k: 2, transposeA: false, transposeB: false },
        Float32Array.of(1, 2),
        Float32Array.of(3, 4),
      );
      await again.run();
      expect(Array.from(await again.read())).toEqual([11]);
    } finally {
      await impl.dispose();
    }
    await expect(
      impl.gemm({ m: 1, n: 1, k: 1, transposeA: false, transposeB: false }, new Float32Array(1), new Float32Array(1)),
    ).rejects.toThrow(/setup\(\) was not called/);
  }, 60_000);
});

describe('ratio to pytorch', () => {
  it('shows each time ÷ PyTorch at the same thread count in the tables', () => {
    const r = (impl: string, threads: number, ms: number): Result => ({
      suite: 'lenet',
      case: 'train step',
      impl,
      threads,
      median_ms: ms,
      min_ms: ms,
      max_ms: ms,
      status: 'ok',
      figure: 'x',
    });
    const results = [r('lec-wasm', 1, 15), r('lec-wasm-t2', 2, 10), r('pytorch', 1, 10), r('pytorch-t2', 2, 4), r('tfjs-wasm', 1, 30)];
    const kinds = new Map<string, 'lec' | 'peer'>([
      ['lec-wasm', 'lec'],
      ['lec-wasm-t2', 'lec'],
      ['pytorch', 'peer'],
      ['pytorch-t2', 'peer'],
      ['tfjs-wasm', 'peer'],
    ]);
    const [t] = buildTables(results, { kinds, notes: [] });
    const col = t.header.indexOf('time ÷ pytorch');
    expect(col).toBeGreaterThan(0);
    expect(t.rows.map((row) => row[col])).toEqual(['1.50', '2.50', '', '', '3.00']);
    // "× best peer" stays the best WebAssembly/JS peer: PyTorch has its own column
    const best = t.header.indexOf('× best peer');
    expect(t.rows.map((row) => row[best])).toEqual(['2.00×', '3.00×', '3.00×', '7.50×', '1.00×']);
  });
});

describe('--profile', () => {
  it('classifies frames: wasm, copies, JS ops by package, GC', () => {
    expect(classify({ functionName: '$gemm', url: 'wasm://wasm/12ab' })).toBe('wasm');
    expect(classify({ functionName: 'set', url: '' })).toBe('copies');
    expect(classify({ functionName: 'copyIn', url: 'file:///r/packages/kernels-wasm/dist/x.js' })).toBe('copies');
    expect(classify({ functionName: 'applyBinary', url: 'file:///r/packages/tensor/dist/ops/binary.js' })).toBe('js');
    expect(classify({ functionName: '(garbage collector)', url: '' })).toBe('gc');
    expect(classify({ functionName: 'allocF32', url: 'file:///r/packages/kernels-wasm/dist/arena.js' })).toBe('alloc');
    expect(classify({ functionName: 'allocArray', url: 'file:///r/packages/tensor/dist/storage.js' })).toBe('alloc');
    expect(classify({ functionName: 'Float32Array', url: '' })).toBe('copies');
    expect(classify({ functionName: 'runPool', url: 'file:///r/packages/kernels-wasm/dist/kernels/pool.js' })).toBe('copies');
    expect(classify({ functionName: 'wasmBackend', url: 'file:///r/packages/kernels-wasm/dist/wasm-backend.js' })).toBe('js');
    const s = summarizeProfile(
      {
        nodes: [
          { id: 1, callFrame: { functionName: 'wasm-function[6]', url: 'wasm://wasm/1' } },
          { id: 2, callFrame: { functionName: 'applyUnary', url: 'file:///r/packages/tensor/dist/a.js' } },
          { id: 3, callFrame: { functionName: '(idle)', url: '' } },
          { id: 4, callFrame: { functionName: 'wasm-function[9]', url: 'wasm://wasm/1' }, children: [1] },
        ],
        samples: [1, 1, 1, 2, 3, 3],
      },
      new Map([[9, 'gemm_f32']]),
    );
    expect(s.top[0]).toEqual(['gemm_f32 › wasm-function[6]', 'wasm', 0.75]);
    expect(s.samples).toBe(4);
    expect(s.shares.wasm).toBe(0.75);
    expect(s.shares.js).toBe(0.25);
    expect(s.js_by_source).toEqual({ '@lec/tensor': 0.25 });
  });

  it("names wasm functions from a module's export section", () => {
    // (module (func $a) (func $b) (export "first" (func 0)) (export "second" (func 1)) (memory 1) (export "mem" (memory 0)))
    const bytes = new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00, // header
      0x01,
      0x04,
      0x01,
      0x60,
      0x00,
      0x00, // type section: () -> ()
      0x03,
      0x03,
      0x02,
      0x00,
      0x00, // function section: two functions of type 0
      0x05,
      0x03,
      0x01,
      0x00,
      0x01, // memory section
      0x07,
      0x18,
      0x03,
      0x05,
      ...Buffer.from('first'),
      0x00,
      0x00,
      0x06,
      ...Buffer.from('second'),
      0x00,
      0x01,
      0x03,
      ...Buffer.from('mem'),
      0x02,
      0x00,
      0x0a,
      0x07,
      0x02,
      0x02,
      0x00,
      0x0b,
      0x02,
      0x00,
      0x0b, // code section
    ]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect([...exportNames(bytes)]).toEqual([
      [0, 'first'],
      [1, 'second'],
    ]);
  });

  it('profiles a real AE step on lec-wasm and the shares add up to 1', async () => {
    const lines: string[] = [];
    const [p] = await runProfile({ models: ['autoencoder'], threads: 1, steps: 2, warmup: 1, print: (t) => lines.push(t) });
    expect(p.impl).toBe('lec-wasm');
    expect(p.samples).toBeGreaterThan(10);
    expect(Object.values(p.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p.shares.wasm).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/wasm kernels \d+\.\d % \| JS ops/);
  }, 120_000);

  it("profiles the lstm suite's training step (B32 T50 64→128, SGD)", async () => {
    const [p] = await runProfile({ models: ['lstm'], threads: 1, steps: 1, warmup: 1, print: () => {} });
    expect(p.model).toBe('lstm');
    expect(Object.values(p.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p.top.some(([name]) => name.includes('lstm_step_forward_f32'))).toBe(true);
  }, 120_000);
});

const noBrowser = browserUnavailable();
if (noBrowser) console.log(`@lec/bench: the browser bench test is skipped: ${noBrowser}`);

describe.skipIf(noBrowser !== null)('--browser', () => {
  it('runs the tiny gemm and LeNet cases in Chromium on lec-wasm, lec-wasm-t2, tfjs-wasm and onnxruntime-web, and writes JSON and Markdown', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lec-bench-browser-'));
    let printed = '';
    const code = await runBrowserBench({
      suites: ['gemm', 'lenet'],
      quick: true,
      tiny: true,
      threads: 2,
      json: path.join(dir, 'b.json'),
      md: path.join(dir, 'b.md'),
      print: (t) => (printed += t),
    });
    expect(code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'b.json'), 'utf8'));
    const results = doc.results as Result[];
    expect(doc.machine.browser).toMatch(/Chrome\//);
    expect(doc.notes.join('\n')).toMatch(/cross-origin isolated \(threads available\)/);
    const gemm = results.filter((r) => r.suite === 'gemm');
    expect(gemm.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(new Set(gemm.map((r) => r.impl))).toEqual(new Set(['lec-wasm', 'lec-wasm-t2', 'tfjs-wasm', 'onnxruntime-web']));
    // onnxruntime-web: the reused-operand cases only (no fresh-operand path), its WebAssembly files served locally
    expect(gemm.filter((r) => r.impl === 'onnxruntime-web').every((r) => !r.case.startsWith('fresh'))).toBe(true);
    expect(doc.notes.join('\n')).toMatch(
      /onnxruntime-web \(browser\) fetched ort-wasm-simd-threaded\.mjs, ort-wasm-simd-threaded\.wasm from \/ort\//,
    );
    expect(gemm.some((r) => r.case.startsWith('fresh'))).toBe(true);
    for (const r of gemm) expect(r.gflops).toBeGreaterThan(0);
    const ok = (c: string) => results.filter((r) => r.suite === 'lenet' && r.case.startsWith(c) && r.status === 'ok').map((r) => r.impl);
    // onnxruntime-web runs lec's LeNet-5 exported by toOnnx, checked against lec's forward (else 'wrong', and code 1)
    expect(ok('infer LeNet-5 batch 4').sort()).toEqual(['lec-wasm', 'lec-wasm-t2', 'onnxruntime-web', 'tfjs-wasm']);
    expect(ok('infer LeNet-5 batch 1').sort()).toEqual(['lec-wasm', 'lec-wasm-t2', 'onnxruntime-web', 'tfjs-wasm']);
    expect(ok('train step').sort()).toEqual(['lec-wasm', 'lec-wasm-t2', 'tfjs-wasm']);
    expect(results.find((r) => r.case.startsWith('train step') && r.impl === 'onnxruntime-web')?.note).toBe(
      'onnxruntime-web is inference only',
    );
    expect(fs.readFileSync(path.join(dir, 'b.md'), 'utf8')).toMatch(/## lenet/);
    expect(printed).toMatch(/lec bench \(browser\)/);
    expect(doc.notes.join('\n')).toMatch(/infer LeNet-5 batch 1: lec-wasm time ÷ tfjs-wasm = \d+\.\d\d \(target ≤ 0\.7: (met|NOT met)\)/);
  }, 300_000);
});
