#!/usr/bin/env node
/**
 * `pnpm bench [suite ...] [--quick] [--threads N] [--backend NAME ...] [--json FILE]
 * [--md FILE] [--svg DIR] [--data DIR]`
 */
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { machineInfo } from './harness/machine.js';
import { implFactories } from './impls/index.js';
import { runProfile } from './profile.js';
import { runBench } from './run.js';
import { suites } from './suites/index.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function buildProgram(): Command {
  const implNames = implFactories.map((f) => f.family).join(', ');
  return new Command('lec-bench')
    .description(
      "Measures lec's kernels and backends side by side with peer libraries in one process; every result is checked against a float64 reference before it is timed.",
    )
    .argument('[suite...]', `suites to run (default: all): ${suites.map((s) => `${s.name} (${s.description})`).join('; ')}`)
    .option('--quick', 'smaller timing budget per case, so the whole run takes a few minutes; skips known-pathological peer cases', false)
    .option(
      '--threads <n>',
      'thread count for the threaded variants (lec-wasm, onnxruntime, onnxruntime-web, the peak suite)',
      positiveInt,
      2,
    )
    .option('--backend <name...>', `only these impls (a family or an exact name like lec-wasm-t2); families: ${implNames}`)
    .option(
      '--json <file>',
      'write all results as JSON: { machine, results: [{suite, case, impl, threads, median_ms, min_ms, max_ms, gflops, metrics, status, note}] }',
    )
    .option('--md <file>', 'write the tables as markdown')
    .option('--svg <dir>', 'write one SVG chart per suite into this directory')
    .option('--data <dir>', 'dataset directory for suites that need real data (default: $LEC_DATA_DIR)', process.env.LEC_DATA_DIR)
    .option(
      '--profile',
      'instead of timing: profile the training step of the models named (autoencoder, lenet, lstm; default autoencoder and lenet) on lec-wasm (1 thread, or --backend), and print the share of time in wasm kernels, JS ops and copies (--json writes it)',
      false,
    )
    .option(
      '--browser',
      'run the gemm, LeNet inference and LeNet training cases in headless Chromium (lec-wasm, lec-wasm-tN, tfjs-wasm in one page)',
      false,
    )
    .option('--progress <mode>', 'progress display on stderr: auto, bar, plain, silent', 'auto')
    .addHelpText(
      'after',
      '\nStatus per result: ok (timed), wrong (result differs from the float64 reference; not timed), skipped (with the reason).\nExit code: 0, or 1 when any result is wrong, 2 on a usage or setup error.\nExamples:\n  pnpm bench --quick\n  pnpm bench gemm conv --backend lec-wasm tfjs-wasm --json out/bench.json --svg out/charts\n  pnpm bench autoencoder lenet lstm gcn --backend lec-wasm pytorch tfjs-wasm\n  pnpm bench --profile autoencoder lenet\n  pnpm bench --browser --json out/browser.json --md out/browser.md',
    );
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.parse(argv);
  const o = program.opts<{
    quick: boolean;
    threads: number;
    backend?: string[];
    json?: string;
    md?: string;
    svg?: string;
    data?: string;
    progress: 'auto' | 'bar' | 'plain' | 'silent';
    profile: boolean;
    browser: boolean;
  }>();
  if (o.profile) {
    const profiles = await runProfile({
      models: program.args,
      backends: o.backend,
      threads: o.threads,
      steps: o.quick ? 20 : 60,
      warmup: 5,
    });
    if (o.json) {
      await fs.mkdir(path.dirname(path.resolve(o.json)), { recursive: true });
      await fs.writeFile(o.json, `${JSON.stringify({ machine: machineInfo(), profiles }, null, 2)}\n`);
    }
    return profiles.length ? 0 : 2;
  }
  if (o.browser) {
    const { runBrowserBench } = await import('./browser/run-browser.js');
    return runBrowserBench({ suites: program.args, quick: o.quick, threads: o.threads, json: o.json, md: o.md });
  }
  const report = await runBench({
    suites: program.args,
    quick: o.quick,
    threads: o.threads,
    backends: o.backend,
    json: o.json,
    md: o.md,
    svg: o.svg,
    dataDir: o.data,
    progress: o.progress,
  });
  const wrong = report.results.filter((r) => r.status === 'wrong').length;
  if (wrong) process.stderr.write(`\n${wrong} WRONG result(s): see the tables above\n`);
  return wrong ? 1 : 0;
}

/** Whether this module is the program being run (also through the `lec-bench` bin symlink). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`lec-bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
