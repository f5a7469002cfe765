/**
 * The bench's own tests: the JSON of a tiny run has the documented shape, a wrong impl is
 * reported as "wrong" and never timed, and the pieces the verdicts rest on (the float64
 * reference, the tolerance check, the ONNX writer, the peak kernel) are right.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './cli.js';
import { checkClose, tolerance } from './harness/check.js';
import { data } from './harness/data.js';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef, conv2dRef, convGeometry, gemmRef } from './harness/reference.js';
import type { ConvProblem, GemmProblem, Impl, ImplFactory, Runner } from './harness/types.js';
import { peakModule, relaxedSimdAvailable } from './harness/wasm-peak.js';
import { hwioToOihw, nchwToNhwc, nhwcToNchw } from './impls/onnxruntime.js';
import { runBench } from './run.js';

const torchHere = (() => {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lec-bench-'));

/** A fake impl: `wrong` returns results off by 1%; counts the calls that were made. */
function fakeImpl(name: string, wrong: boolean, calls: { run: number }): Impl {
  const runner = (compute: () => Float64Array): Runner => {
    let out: Float32Array | null = null;
    return {
      run() {
        calls.run++;
        out = Float32Array.from(compute(), (v) => (wrong ? v * 1.01 + 0.5 : v));
      },
      read: () => out!,
      dispose() {},
    };
  };
  return {
    name,
    threads: 1,
    kind: 'lec',
    notes: [],
    async setup() {},
    gemm: (p: GemmProblem, a, b) => runner(() => gemmRef(p, a, b)),
    gemmFresh: (p: GemmProblem, a, b) => runner(() => gemmRef(p, a, b)),
    conv2d: (p: ConvProblem, pass, x, y) =>
      runner(() => (pass === 'forward' ? conv2dRef : pass === 'backpropInput' ? conv2dBackpropInputRef : conv2dBackpropFilterRef)(p, x, y)),
    dispose() {},
  };
}

describe('bench run', () => {
  it('writes JSON of the documented shape for a tiny run (real impls), plus markdown and SVG', async () => {
    const dir = tmp();
    const json = path.join(dir, 'out.json');
    const md = path.join(dir, 'out.md');
    const svg = path.join(dir, 'svg');
    const report = await runBench({
      suites: [],
      quick: true,
      tiny: true,
      threads: 2,
      json,
      md,
      svg,
      dataDir: process.env.LEC_DATA_DIR,
      progress: 'silent',
      print: () => {},
    });
    const doc = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(Object.keys(doc.machine).sort()).toEqual(expect.arrayContaining(['cpu', 'cores', 'node', 'v8', 'date']));
    expect(typeof doc.machine.cores).toBe('number');
    expect(doc.results.length).toBe(report.results.length);
    const suites = new Set(doc.results.map((r: { suite: string }) => r.suite));
    expect([...suites].sort()).toEqual(['autoencoder', 'conv', 'gcn', 'gemm', 'lenet', 'lstm', 'pca', 'peak']);
    const gflopSuites = new Set(['peak', 'gemm', 'conv']);
    for (const r of doc.results) {
      expect(typeof r.suite).toBe('string');
      expect(typeof r.case).toBe('string');
      expect(typeof r.impl).toBe('string');
      expect(Number.isInteger(r.threads)).toBe(true);
      expect(['ok', 'wrong', 'skipped']).toContain(r.status);
      if (r.status === 'ok' && gflopSuites.has(r.suite)) {
        for (const k of ['median_ms', 'min_ms', 'max_ms']) expect(r[k]).toBeGreaterThan(0);
        expect(r.min_ms).toBeLessThanOrEqual(r.median_ms);
        expect(r.median_ms).toBeLessThanOrEqual(r.max_ms);
        expect(r.gflops).toBeGreaterThan(0);
      } else if (r.status === 'ok') {
        // model suites: a display figure, numbers in metrics; min/max when the suite timed calls itself
        expect(r.median_ms).toBeGreaterThan(0);
        if (r.min_ms !== null) expect(r.min_ms).toBeLessThanOrEqual(r.median_ms);
        if (r.max_ms !== null) expect(r.median_ms).toBeLessThanOrEqual(r.max_ms);
        expect(typeof r.figure).toBe('string');
        expect(r.metrics).toBeTypeOf('object');
        for (const v of Object.values(r.metrics)) {
          if (Array.isArray(v)) for (const x of v) expect(typeof x).toBe('number');
          else expect(['number', 'string', 'boolean']).toContain(typeof v);
        }
      } else {
        expect(r.median_ms).toBeNull();
        expect(typeof r.note).toBe('string');
      }
    }
    // every real peer computes right on the tiny cases
    expect(doc.results.filter((r: { status: string }) => r.status === 'wrong')).toEqual([]);
    const okImpls = new Set(doc.results.filter((r: { status: string }) => r.status === 'ok').map((r: { impl: string }) => r.impl));
    for (const impl of ['tfjs-cpu', 'tfjs-wasm', 'ml-matrix', 'onnxruntime', 'onnxruntime-web', 'bench-wasm-kernel'])
      expect(okImpls).toContain(impl);
    expect(fs.readFileSync(md, 'utf8')).toMatch(/## gemm/);
    for (const s of ['peak', 'gemm', 'conv']) expect(fs.readFileSync(path.join(svg, `${s}.svg`), 'utf8')).toMatch(/^<svg/);
    // the model suites ran on our backends with real packages (a missing package is a skip with a reason, never a crash)
    const ok = (suite: string, caseStart: string) =>
      doc.results.filter(
        (r: { suite: string; case: string; status: string }) => r.suite === suite && r.case.startsWith(caseStart) && r.status === 'ok',
      );
    for (const [suite, c] of [
      ['lenet', 'train step'],
      ['lenet', 'accuracy'],
      ['lstm', 'train step'],
      ['lstm', 'adding'],
      ['lstm', 'row-by-row'],
      ['autoencoder', 'train'],
      ['pca', 'fit'],
      ['pca', 'peak memory'],
      ['gcn', 'SBM'],
    ])
      expect(ok(suite, c).length, `${suite} ${c}`).toBeGreaterThan(0);
    expect(ok('lenet', 'train step').map((r: { impl: string }) => r.impl)).toEqual(expect.arrayContaining(['lec-wasm', 'tfjs-wasm']));
    const addingLstm = ok('lstm', 'adding').find((r: { case: string }) => r.case.includes('LSTM'));
    expect(addingLstm.metrics['series_grad-norm_start'].length).toBe(10);
    expect(ok('lenet', 'train step')[0].metrics.throughput).toBeGreaterThan(0);
    if (process.env.LEC_DATA_DIR) expect(ok('gcn', 'train').length).toBeGreaterThan(0);
    // issue 27: inference and fresh-operand cases; PyTorch on every whole-step case, with the ratio to it
    const impls = (suite: string, c: string) => ok(suite, c).map((r: { impl: string }) => r.impl);
    for (const c of ['infer LeNet-5 batch 4', 'infer LeNet-5 batch 1'])
      expect(impls('lenet', c)).toEqual(expect.arrayContaining(['lec-wasm', 'tfjs-wasm']));
    expect(impls('gemm', 'fresh')).toEqual(expect.arrayContaining(['lec-wasm', 'lec-wasm-t2', 'tfjs-wasm']));
    if (torchHere)
      for (const [suite, c] of [
        ['lenet', 'train step'],
        ['lstm', 'train step'],
        ['autoencoder', 'train'],
        ['lenet', 'infer'],
      ]) {
        expect(impls(suite, c), `${suite} ${c}`).toEqual(expect.arrayContaining(['pytorch', 'pytorch-t2']));
        const lec = ok(suite, c).find((r: { impl: string }) => r.impl === 'lec-wasm');
        expect(lec.metrics.time_ratio_pytorch, `${suite} ${c}`).toBeGreaterThan(0);
      }
    for (const s of ['lenet', 'lstm']) expect(fs.readFileSync(path.join(svg, `${s}.svg`), 'utf8')).toMatch(/^<svg/);
  }, 600_000);

  it('reports a wrong impl as "wrong", loudly, and never times it', async () => {
    const wrongCalls = { run: 0 };
    const rightCalls = { run: 0 };
    const factories: ImplFactory[] = [
      { family: 'fake-wrong', create: () => [fakeImpl('fake-wrong', true, wrongCalls)] },
      { family: 'fake-right', create: () => [fakeImpl('fake-right', false, rightCalls)] },
    ];
    let printed = '';
    const report = await runBench({
      suites: ['gemm', 'conv'],
      quick: true,
      tiny: true,
      threads: 1,
      implFactories: factories,
      progress: 'silent',
      print: (t) => (printed += t),
    });
    const wrong = report.results.filter((r) => r.impl === 'fake-wrong');
    const right = report.results.filter((r) => r.impl === 'fake-right');
    expect(wrong.length).toBeGreaterThan(0);
    for (const r of wrong) {
      expect(r.status).toBe('wrong');
      expect(r.median_ms).toBeNull();
      expect(r.gflops).toBeUndefined();
      expect(r.note).toMatch(/WRONG RESULT: \d+\/\d+ mismatches/);
    }
    // one call per case, for the check; none for timing
    expect(wrongCalls.run).toBe(wrong.length);
    for (const r of right) expect(r.status).toBe('ok');
    expect(rightCalls.run).toBeGreaterThan(right.length);
    expect(printed).toMatch(/\*\* WRONG \*\*/);
  }, 60_000);

  it('rejects unknown suites and backends with the available names', async () => {
    await expect(runBench({ suites: ['nope'], quick: true, tiny: true, threads: 1, progress: 'silent', print: () => {} })).rejects.toThrow(
      /unknown suite 'nope'; available: peak, gemm, conv, lenet, lstm, gcn, autoencoder, pca/,
    );
    await expect(
      runBench({ suites: ['gemm'], quick: true, tiny: true, threads: 1, backends: ['nope'], progress: 'silent', print: () => {} }),
    ).rejects.toThrow(/matches no impl/);
  });

  it('--help explains every flag', () => {
    const help = buildProgram().helpInformation();
    for (const flag of ['--quick', '--threads', '--backend', '--json', '--md', '--svg', '--data']) expect(help).toContain(flag);
    expect(help).toMatch(/peak/);
  });
});

describe('check', () => {
  it('uses rtol = max(1e-5, 4·sqrt(K)·2^-24) and atol = 1e-6·scale', () => {
    expect(tolerance(1, 10).rtol).toBe(1e-5);
    expect(tolerance(1 << 20, 10).rtol).toBeCloseTo(4 * 1024 * 2 ** -24, 12);
    expect(tolerance(1, 10).atol).toBeCloseTo(1e-5, 15);
  });

  it('passes float32 rounding, fails real errors, and matches NaN/Inf exactly', () => {
    const e = Float64Array.from([1, -2, 3e-3, 100]);
    expect(checkClose(Float32Array.from(e), e, 4).ok).toBe(true);
    const bad = checkClose(Float32Array.from([1, -2, 3e-3, 100.1]), e, 4);
    expect(bad.ok).toBe(false);
    expect(bad.mismatches).toBe(1);
    expect(bad.where).toBe(3);
    expect(checkClose([NaN, Infinity], Float64Array.from([NaN, Infinity]), 1).ok).toBe(true);
    expect(checkClose([0, Infinity], Float64Array.from([NaN, Infinity]), 1).ok).toBe(false);
    expect(checkClose([NaN, -Infinity], Float64Array.from([NaN, Infinity]), 1).ok).toBe(false);
  });

  it("scales atol by each output's Σ|terms|, so cancellation to ~0 is not flagged", () => {
    const e = Float64Array.from([1e-3, 50]);
    const got = [1e-3 + 2e-4, 50];
    expect(checkClose(got, e, 10000).ok).toBe(false);
    expect(checkClose(got, e, 10000, Float64Array.from([8000, 8000])).ok).toBe(true);
  });
});

describe('float64 reference', () => {
  it('gemm handles every transpose', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // [2,3]
    const b = Float32Array.from([1, 0, 0, 1, 1, 1]); // [3,2]
    expect([...gemmRef({ m: 2, k: 3, n: 2, transposeA: false, transposeB: false }, a, b)]).toEqual([4, 5, 10, 11]);
    const at = Float32Array.from([1, 4, 2, 5, 3, 6]); // [3,2] = aᵀ
    const bt = Float32Array.from([1, 0, 1, 0, 1, 1]); // [2,3] = bᵀ
    expect([...gemmRef({ m: 2, k: 3, n: 2, transposeA: true, transposeB: true }, at, bt)]).toEqual([4, 5, 10, 11]);
  });

  it('conv backward passes are the adjoints of the forward pass: <conv(x,w), dy> = <x, dx(dy,w)> = <w, dw(x,dy)>', () => {
    for (const p of [
      {
        batch: 2,
        height: 5,
        width: 6,
        inChannels: 3,
        outChannels: 4,
        kernelHeight: 3,
        kernelWidth: 3,
        stride: 1,
        padding: 'same' as const,
      },
      {
        batch: 1,
        height: 7,
        width: 7,
        inChannels: 2,
        outChannels: 3,
        kernelHeight: 4,
        kernelWidth: 2,
        stride: 2,
        padding: 'same' as const,
      },
      {
        batch: 1,
        height: 6,
        width: 5,
        inChannels: 2,
        outChannels: 2,
        kernelHeight: 3,
        kernelWidth: 2,
        stride: 1,
        padding: 'valid' as const,
      },
    ]) {
      const g = convGeometry(p);
      const x = data(p.batch * p.height * p.width * p.inChannels, 1);
      const w = data(p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels, 2);
      const dy = data(p.batch * g.oh * g.ow * p.outChannels, 3);
      const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => Array.from(u).reduce((s, ui, i) => s + ui * v[i], 0);
      const lhs = dot(conv2dRef(p, x, w), dy);
      expect(dot(x, conv2dBackpropInputRef(p, dy, w))).toBeCloseTo(lhs, 9);
      expect(dot(w, conv2dBackpropFilterRef(p, x, dy))).toBeCloseTo(lhs, 9);
    }
  });

  it('a 1×1 convolution is a matrix product', () => {
    const p = {
      batch: 2,
      height: 3,
      width: 2,
      inChannels: 4,
      outChannels: 5,
      kernelHeight: 1,
      kernelWidth: 1,
      stride: 1,
      padding: 'same' as const,
    };
    const x = data(2 * 3 * 2 * 4, 5);
    const w = data(4 * 5, 6);
    expect([...conv2dRef(p, x, w)]).toEqual([...gemmRef({ m: 12, k: 4, n: 5, transposeA: false, transposeB: false }, x, w)]);
  });
});

describe('layout conversions for onnxruntime', () => {
  it('NHWC ↔ NCHW round-trips and moves the right element', () => {
    const x = data(2 * 3 * 4 * 5, 9);
    const nchw = nhwcToNchw(x, 2, 3, 4, 5);
    expect(nchw[((1 * 5 + 4) * 3 + 2) * 4 + 3]).toBe(x[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    expect([...nchwToNhwc(nchw, 2, 5, 3, 4)]).toEqual([...x]);
    const w = data(3 * 2 * 4 * 5, 10);
    expect(hwioToOihw(w, 3, 2, 4, 5)[((4 * 4 + 3) * 3 + 2) * 2 + 1]).toBe(w[((2 * 2 + 1) * 4 + 3) * 5 + 4]);
  });
});

describe('peak kernel', () => {
  it('the hand-assembled SIMD module validates and runs', () => {
    const bytes = peakModule('simd', { accumulators: 4, unroll: 1 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (n: number) => number;
    // one step from acc0 = 1 + 1/64: acc·0.9999 + 1e-4, summed over 4 accumulators with values 1 + i/64
    let expected = 0;
    for (let i = 1; i <= 4; i++) expected += Math.fround(Math.fround((1 + i / 64) * Math.fround(0.9999)) + Math.fround(1e-4));
    expect(run(1)).toBeCloseTo(expected, 5);
  });

  it('the relaxed-SIMD module validates once the flag is set (Node 20) and computes the same', () => {
    expect(relaxedSimdAvailable()).toBe(true);
    const shape = { accumulators: 3, unroll: 2 };
    const relaxed = new WebAssembly.Instance(new WebAssembly.Module(peakModule('relaxed', shape))).exports.run as (n: number) => number;
    const plain = new WebAssembly.Instance(new WebAssembly.Module(peakModule('simd', shape))).exports.run as (n: number) => number;
    // fused vs separate rounding drifts apart over 6000 steps, within float32 noise
    expect(relaxed(1000)).toBeCloseTo(plain(1000), 3);
  });
});
