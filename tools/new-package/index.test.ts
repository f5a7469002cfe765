import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBoundaries } from '../checks/boundaries.mjs';
import { runBiome } from '../checks/biome.mjs';
import { backendShortName, generatePackage, pascalCase, renderPackage, validate } from './index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp workspace root with the repository's root package.json, tsconfig.base.json and biome.json. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'lec-new-package-'));
  made.push(root);
  for (const file of ['package.json', 'tsconfig.base.json', 'biome.json', 'pnpm-workspace.yaml'])
    cpSync(join(repoRoot, file), join(root, file));
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
  return root;
}

const readJson = (root: string, path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** TypeScript syntax errors of a source file (none means it parses). */
function syntaxErrors(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Type-checks the generated package against the built @lec/tensor of this repository. */
function typeErrors(root: string, dir: string): string[] {
  const scope = join(root, 'node_modules', '@lec');
  mkdirSync(scope, { recursive: true });
  for (const pkg of ['tensor', 'nn', 'backend-tests']) {
    if (existsSync(join(repoRoot, 'packages', pkg, 'dist'))) symlinkSync(join(repoRoot, 'packages', pkg), join(scope, pkg), 'dir');
  }
  symlinkSync(join(repoRoot, 'node_modules', '@types'), join(root, 'node_modules', '@types'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', 'vitest'), join(root, 'node_modules', 'vitest'), 'dir');
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, dir, 'tsconfig.json'),
    { noEmit: true, composite: false, declaration: false, declarationMap: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json did not parse');
  // the tests too: the package's tsconfig leaves them out of the build, not out of correctness
  const tests = ['src/affine.test.ts', 'src/backend.test.ts', 'src/backend.conformance.test.ts'];
  const files = [...config.fileNames, ...tests.map((f) => join(root, dir, f)).filter(existsSync)];
  const program = ts.createProgram(files, config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('new-package generator', () => {
  it('rejects bad names and kinds with a message', () => {
    expect(validate({ kind: 'model' })).toMatch(/missing --name/);
    expect(validate({ name: 'Vision', kind: 'model' })).toMatch(/kebab-case/);
    expect(validate({ name: 'vision', kind: 'layer' })).toMatch(/--kind must be one of model, backend, got 'layer'/);
    expect(validate({ name: 'backend-webnn', kind: 'backend' })).toBeNull();
    expect([pascalCase('backend-webnn'), backendShortName('backend-webnn')]).toEqual(['BackendWebnn', 'webnn']);
  });

  it('writes a model package whose manifest, configs and sources are right', () => {
    const root = workspace();
    const written = generatePackage({ name: 'vision', kind: 'model', description: 'Vision models for lec' }, root);
    expect(written).toEqual([
      'packages/vision/package.json',
      'packages/vision/tsconfig.json',
      'packages/vision/vitest.config.ts',
      'packages/vision/src/index.ts',
      'packages/vision/src/affine.ts',
      'packages/vision/src/affine.test.ts',
      'packages/vision/src/examples.test.ts',
      'packages/vision/README.md',
    ]);
    const manifest = readJson(root, 'packages/vision/package.json');
    const rootManifest = readJson(repoRoot, 'package.json');
    expect(manifest).toMatchObject({
      name: '@lec/vision',
      version: '0.0.0',
      description: 'Vision models for lec',
      type: 'module',
      license: 'MIT',
      sideEffects: false,
      engines: rootManifest.engines,
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
      main: './dist/index.js',
      types: './dist/index.d.ts',
      files: ['dist', '!dist/**/*.test.*', '!dist/.tsbuildinfo', 'src', '!src/**/*.test.*', 'README.md', 'LICENSE', 'CHANGELOG.md'],
      scripts: { build: 'tsc -b', typecheck: 'tsc -b --noEmit false', test: 'vitest run', prepack: 'node ../../tools/release/prepack.mjs' },
      lec: { kind: 'model' },
      dependencies: { '@lec/tensor': 'workspace:*' },
    });
    expect(manifest.repository).toMatchObject({ type: 'git', directory: 'packages/vision' });
    expect(Object.keys(manifest.exports['.'])[0]).toBe('types'); // types must come first
    expect(manifest.devDependencies).toEqual({ '@lec/backend-tests': 'workspace:*' });
    expect(readJson(root, 'packages/vision/tsconfig.json')).toMatchObject({ extends: '../../tsconfig.base.json', include: ['src'] });
    expect(readFileSync(join(root, 'packages/vision/vitest.config.ts'), 'utf8')).toContain("name: '@lec/vision'");
    expect(readFileSync(join(root, 'packages/vision/src/examples.test.ts'), 'utf8')).toContain('requireExampleFor: api');
    for (const file of ['vitest.config.ts', 'src/index.ts', 'src/affine.ts', 'src/affine.test.ts', 'src/examples.test.ts']) {
      expect(syntaxErrors(join(root, 'packages/vision', file)), file).toEqual([]);
    }
    const readme = readFileSync(join(root, 'packages/vision/README.md'), 'utf8');
    expect(readme).toMatch(/^# @lec\/vision\n\nVision models for lec\n/);
    expect(readme).toContain("import { affine } from '@lec/vision';");
    expect(readme).toContain('pnpm exec vitest run --project @lec/vision');
  });

  it('writes a backend package that depends on the conformance suite for its tests', () => {
    const root = workspace();
    generatePackage({ name: 'backend-webnn', kind: 'backend' }, root);
    const manifest = readJson(root, 'packages/backend-webnn/package.json');
    expect(manifest).toMatchObject({
      name: '@lec/backend-webnn',
      description: 'A lec backend (backend-webnn)',
      lec: { kind: 'backend' },
      dependencies: { '@lec/tensor': 'workspace:*' },
      devDependencies: { '@lec/backend-tests': 'workspace:*' },
    });
    const source = readFileSync(join(root, 'packages/backend-webnn/src/backend.ts'), 'utf8');
    expect(source).toContain('export function webnnBackend(): BackendV1<CpuHandle>');
    expect(source).toContain('...requiredPrimitives(store)');
    expect(source).not.toMatch(/\bextends\b/); // composed, never a subclass
    expect(readFileSync(join(root, 'packages/backend-webnn/src/index.ts'), 'utf8')).toContain(
      "export { webnnBackend, webnnFastPaths } from './backend.js';",
    );
    expect(readFileSync(join(root, 'packages/backend-webnn/src/backend.conformance.test.ts'), 'utf8')).toContain(
      "runConformance({ name: 'webnn', makeBackend: webnnBackend });",
    );
    for (const file of [
      'src/index.ts',
      'src/backend.ts',
      'src/backend.test.ts',
      'src/backend.conformance.test.ts',
      'src/examples.test.ts',
    ]) {
      expect(syntaxErrors(join(root, 'packages/backend-webnn', file)), file).toEqual([]);
    }
  });

  it('generates code that type-checks against @lec/tensor, passes Biome and the boundary check', () => {
    const root = workspace();
    generatePackage({ name: 'vision', kind: 'model' }, root);
    generatePackage({ name: 'backend-webnn', kind: 'backend' }, root);
    const biome = runBiome(root, ['packages'], { capture: true });
    expect(biome.output).toContain('Checked 15 files'); // 7 + 8 (README.md is not Biome's)
    expect(biome.status, biome.output).toBe(0);
    expect(checkBoundaries(root)).toEqual([]);
    if (!existsSync(join(repoRoot, 'packages/backend-tests/dist/index.d.ts'))) return; // pnpm test builds first
    mkdirSync(join(root, 'node_modules'));
    expect(typeErrors(root, 'packages/vision')).toEqual([]);
    rmSync(join(root, 'node_modules'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    expect(typeErrors(root, 'packages/backend-webnn')).toEqual([]);
  });

  it('the backend template composes a working backend in under 100 lines (what CONTRIBUTING walks through)', async () => {
    const files = renderPackage({ name: 'backend-webnn', kind: 'backend' }, { engines: {}, license: 'MIT', repositoryUrl: 'x' });
    const source = files['packages/backend-webnn/src/backend.ts'];
    expect(source.split('\n').length).toBeLessThan(100);
    if (!existsSync(join(repoRoot, 'packages/tensor/dist/index.js'))) return; // pnpm test builds first
    // run the generated module against the built @lec/tensor
    const root = workspace();
    mkdirSync(join(root, 'node_modules', '@lec'), { recursive: true });
    symlinkSync(join(repoRoot, 'packages', 'tensor'), join(root, 'node_modules', '@lec', 'tensor'), 'dir');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(root, 'backend.mjs'), js);
    type Lec = typeof import('../../packages/tensor/src/index.js');
    type Backend = import('../../packages/tensor/src/index.js').BackendV1;
    const generated = (await import(join(root, 'backend.mjs'))) as { webnnBackend: () => Backend };
    const lec = (await import(join(repoRoot, 'packages/tensor/dist/index.js'))) as Lec;
    const backend = generated.webnnBackend();
    expect(backend.info()).toMatchObject({ name: 'webnn' });
    expect(lec.fastPathNames(backend.fastPaths)).toEqual([
      'gemm',
      'spmm',
      'lstmCell',
      'lstmCellBackward',
      'lstmSequence',
      'lstmSequenceBackward',
      'adamStep',
      'sgdStep',
      'rmspropStep',
      'biasActivationBackward',
      'meanSquaredError',
    ]);
    // required primitives, its own gemm entry, and an inherited JS pair, each against the js backend
    const run = (b: Backend) =>
      lec.withBackend(b, () =>
        lec.tidy(() => {
          const x = lec.tensor([[1, -2, 3]]);
          const y = lec.add(lec.matmul(x, lec.tensor([[1], [2], [3]])), lec.tensor([0.5]));
          const h = lec.relu(
            lec.matmul(
              x,
              lec.tensor([
                [1, 0],
                [0, 1],
                [1, 1],
              ]),
            ),
          );
          const [hc] = lec.lstmCell(lec.tensor([[0.1, 0.2, 0.3, 0.4]]), lec.tensor([[0.5]]));
          return [...y.dataSync(), ...h.dataSync(), ...hc.dataSync()];
        }),
      );
    const before = backend.liveBuffers();
    const gemm = backend.fastPaths.gemm!(
      backend.fromArray([1, 2, 3, 4], 'float32'),
      backend.fromArray([1, 1], 'float32'),
      backend.fromArray([-10], 'float32'),
      { m: 2, n: 1, k: 2, transposeA: false, transposeB: false },
      'relu',
      'float32',
    );
    expect(Array.from(backend.read(gemm, 'float32'))).toEqual([0, 0]); // relu(3 − 10), relu(7 − 10)
    expect(run(backend)).toEqual(run(lec.jsBackend()));
    expect(backend.liveBuffers()).toBeGreaterThan(before); // the gemm inputs and output are not disposed here
  });

  it('refuses to overwrite an existing package', () => {
    const root = workspace();
    generatePackage({ name: 'vision', kind: 'model' }, root);
    expect(() => generatePackage({ name: 'vision', kind: 'backend' }, root)).toThrow('packages/vision already exists');
  });

  it('runs as a CLI and reports usage errors', () => {
    const root = workspace();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(here, 'index.mjs'), '--root', root, ...args], { encoding: 'utf8' });
    const bad = cli('--name', 'vision');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--kind must be one of model, backend');
    const good = cli('--name', 'gan', '--kind', 'model');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('created @lec/gan (model)');
    expect(existsSync(join(root, 'packages/gan/src/affine.ts'))).toBe(true);
  });

  it('renders the same files without touching disk', () => {
    const files = renderPackage(
      { name: 'vision', kind: 'model' },
      { engines: { node: '>=20.19' }, license: 'MIT', repositoryUrl: 'git+https://example.invalid/lec.git' },
    );
    const manifest = JSON.parse(files['packages/vision/package.json']);
    expect(manifest.dependencies).toEqual({ '@lec/tensor': 'workspace:*' });
    expect(manifest.repository.url).toBe('git+https://example.invalid/lec.git');
  });
});
