/**
 * The bench run: pick suites and impls, set the impls up (a peer that cannot load is
 * reported, not fatal), run the suites, then report (stdout tables, --json, --md, --svg).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { machineInfo, type MachineInfo } from './harness/machine.js';
import { createProgress, type ProgressMode } from './harness/progress.js';
import { timingFor } from './harness/timing.js';
import { errorText } from './harness/run-case.js';
import type { Impl, ImplFactory, Result, Suite, SuiteContext } from './harness/types.js';
import { implFactories } from './impls/index.js';
import { toJson } from './report/json.js';
import { renderSvg, suiteChartSpec } from './report/svg.js';
import { buildTables, isPytorch, renderMarkdown, renderText, type ReportContext } from './report/table.js';
import { suites as allSuites } from './suites/index.js';

export { timingFor };

export interface BenchOptions {
  /** Suite names; empty = all. */
  suites: string[];
  quick: boolean;
  /** Tiny sizes and timing (tests). */
  tiny?: boolean;
  threads: number;
  /** Impl filters: an impl runs when its name or family is listed (empty = all). */
  backends?: string[];
  json?: string;
  md?: string;
  svg?: string;
  dataDir?: string;
  progress?: ProgressMode;
  /** Replaces the impl registry (tests inject fakes). */
  implFactories?: ImplFactory[];
  /** Replaces the suite registry. */
  suiteRegistry?: Suite[];
  /** Where the tables go (default stdout). */
  print?: (text: string) => void;
}

export interface BenchReport {
  machine: MachineInfo;
  results: Result[];
  notes: string[];
  text: string;
}

export function selectSuites(names: string[], registry: Suite[]): Suite[] {
  if (names.length === 0) return registry;
  const unknown = names.filter((n) => !registry.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(`unknown suite ${unknown.map((u) => `'${u}'`).join(', ')}; available: ${registry.map((s) => s.name).join(', ')}`);
  return registry.filter((s) => names.includes(s.name));
}

/** Suites that measure impls (peak measures the machine). */
const usesImpls = (s: Suite) => s.name !== 'peak';

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const print = opts.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const machine = machineInfo(); // date = when the run started
  const suites = selectSuites(opts.suites, opts.suiteRegistry ?? allSuites);
  const progress = createProgress(opts.progress ?? 'auto');
  const notes: string[] = [];
  const results: Result[] = [];
  const kinds = new Map<string, 'lec' | 'peer'>();

  // impls: create, filter by --backend, set up
  const factories = opts.implFactories ?? implFactories;
  const filters = opts.backends ?? [];
  const wanted = (f: ImplFactory, impl: Impl) => filters.length === 0 || filters.includes(impl.name) || filters.includes(f.family);
  const candidates = factories.flatMap((f) => f.create({ threads: opts.threads }).filter((i) => wanted(f, i)));
  if (filters.length && candidates.length === 0)
    throw new Error(
      `--backend ${filters.join(', ')} matches no impl; available: ${factories.flatMap((f) => f.create({ threads: opts.threads }).map((i) => i.name)).join(', ')}`,
    );
  const impls: Impl[] = [];
  const failed: { impl: Impl; why: string }[] = [];
  if (suites.some(usesImpls)) {
    for (const impl of candidates) {
      kinds.set(impl.name, impl.kind);
      try {
        await impl.setup();
        impls.push(impl);
      } catch (e) {
        failed.push({ impl, why: errorText(e) });
        process.stderr.write(`impl ${impl.name} skipped: ${errorText(e)}\n`);
      }
    }
  }

  const timing = timingFor(opts.quick, !!opts.tiny);
  try {
    for (const suite of suites) {
      const ctx: SuiteContext = {
        quick: opts.quick,
        tiny: !!opts.tiny,
        impls,
        threads: opts.threads,
        dataDir: opts.dataDir,
        progress,
        timing,
        note: (line) => notes.push(`${suite.name}: ${line}`),
        emit: (r) => {
          results.push(r);
          if (r.status === 'wrong') process.stderr.write(`\n*** WRONG RESULT *** ${r.suite} ${r.case} ${r.impl}: ${r.note}\n`);
        },
      };
      if (usesImpls(suite)) {
        for (const { impl, why } of failed)
          results.push({
            suite: suite.name,
            case: '(all cases)',
            impl: impl.name,
            threads: impl.threads,
            median_ms: null,
            min_ms: null,
            max_ms: null,
            status: 'skipped',
            note: why,
          });
      }
      progress.start(suite.steps(ctx), suite.name);
      await suite.run(ctx);
    }
  } finally {
    progress.stop();
    for (const impl of impls) {
      try {
        await impl.dispose();
      } catch {
        /* ignore */
      }
    }
  }
  const suiteNotes = notes.splice(0);
  for (const impl of impls) notes.push(...impl.notes);
  notes.push(...suiteNotes);
  if (suites.some((s) => s.name === 'conv'))
    notes.push('conv GFLOP/s = 2·N·Ho·Wo·Cout·kh·kw·Cin / time for all three passes (padding taps counted)');
  notes.push('tolerance: |got − f64 reference| <= rtol·|ref| + 1e-6·Σ|terms| per element, rtol = max(1e-5, 4·sqrt(K)·2^-24)');
  notes.push(
    '× best peer = fastest peer time / this time (peers: tfjs-*, ml-matrix, onnxruntime*; PyTorch has its own column, time ÷ pytorch); >1 is faster than every such peer',
  );
  if (results.some((r) => isPytorch(r.impl) && r.status === 'ok'))
    notes.push(
      "time ÷ pytorch = this median / PyTorch's median at the same thread count (pytorch = 1 thread, pytorch-tN = N): < 1 is faster than PyTorch",
    );

  const figures = new Map(suites.filter((s) => s.figure).map((s) => [s.name, s.figure!]));
  const reportCtx: ReportContext = { kinds, notes, figures };
  const tables = buildTables(results, reportCtx);
  const busy = machine.load[0] > machine.cores ? ' (a loaded machine: wall times are stretched; see cpu_ms in the JSON)' : '';
  const header = `lec bench — ${machine.cpu}, ${machine.cores} cores, load ${machine.load.join('/')}${busy}, Node ${machine.node} (V8 ${machine.v8}), ${machine.date}${opts.quick ? ', --quick' : ''}`;
  const text = `${header}\n${renderText(tables, reportCtx)}`;
  print(text);

  if (opts.json) await writeFile(opts.json, `${JSON.stringify(toJson(machine, results, notes), null, 2)}\n`);
  if (opts.md) await writeFile(opts.md, renderMarkdown(tables, reportCtx, header));
  if (opts.svg) {
    await fs.mkdir(opts.svg, { recursive: true });
    for (const suite of suites) {
      const spec = suiteChartSpec(suite.name, results, kinds);
      if (spec) await writeFile(path.join(opts.svg, `${suite.name}.svg`), await renderSvg(spec));
    }
  }
  return { machine, results, notes, text };
}

async function writeFile(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, content);
}
