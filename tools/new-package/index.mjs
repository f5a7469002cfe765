#!/usr/bin/env node
// Creates a new lec package under packages/<name>: a model package (layers and models built on
// @lec/tensor, never importing a backend) or a backend (implements BackendV1 from @lec/tensor).
// Everything a published package needs comes right from the start: package.json (ESM,
// strict exports with types, files, sideEffects false, engines, license, repository, the
// "lec.kind" the boundary check reads), tsconfig.json, vitest.config.ts, src/index.ts with a
// first export, a first test, a test that runs every TSDoc @example, and a README with a
// runnable example.
//
//   node tools/new-package/index.mjs --name vision --kind model [--description "..."]
//   pnpm new-package --name backend-webnn --kind backend
//
// Then: pnpm install && pnpm build --filter=@lec/<name>... && pnpm exec vitest run --project @lec/<name>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const KINDS = ['model', 'backend'];

/** Written when the root package.json has no "repository" yet (the generator warns). */
export const PLACEHOLDER_REPOSITORY = 'git+https://github.com/OWNER/lec.git';

/** Package folder names: lower-case words joined by single hyphens (`backend-webnn`). */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `backend-webnn` → `BackendWebnn`; `vision` → `Vision`. */
export function pascalCase(name) {
  return name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** `backend-webnn` → `webnn` (the backend's short name, as `info().name` reports it). */
export function backendShortName(name) {
  return name.replace(/^backend-/, '');
}

/** Validates the options; returns an error message or null. */
export function validate({ name, kind }) {
  if (!name) return 'missing --name (the folder under packages/, e.g. --name vision)';
  if (!NAME_PATTERN.test(name)) return `--name '${name}' must be kebab-case: lower-case letters and digits joined by single hyphens`;
  if (name.startsWith('@') || name.includes('/')) return `--name '${name}' is the folder name only; the package will be @lec/${name}`;
  if (!KINDS.includes(kind)) return `--kind must be one of ${KINDS.join(', ')}, got ${kind === undefined ? 'nothing' : `'${kind}'`}`;
  return null;
}

/** Fields shared with the root package.json: engines, license, repository URL. */
export function readRootFields(root) {
  const json = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const repository = typeof json.repository === 'string' ? json.repository : json.repository?.url;
  return {
    engines: json.engines ?? { node: '>=20.19' },
    license: json.license ?? 'MIT',
    repositoryUrl: repository ?? null,
  };
}

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

function packageJson({ name, kind, description }, rootFields) {
  const dependencies = { '@lec/tensor': 'workspace:*' };
  // add @lec/nn when the first Module subclass arrives: pnpm --filter @lec/<name> add @lec/nn@workspace:*
  return {
    name: `@lec/${name}`,
    version: '0.0.0',
    description,
    type: 'module',
    license: rootFields.license,
    repository: { type: 'git', url: rootFields.repositoryUrl ?? PLACEHOLDER_REPOSITORY, directory: `packages/${name}` },
    sideEffects: false,
    engines: rootFields.engines,
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', '!dist/**/*.test.*', '!dist/.tsbuildinfo', 'src', '!src/**/*.test.*', 'README.md', 'LICENSE', 'CHANGELOG.md'],
    scripts: { build: 'tsc -b', typecheck: 'tsc -b --noEmit false', test: 'vitest run', prepack: 'node ../../tools/release/prepack.mjs' },
    lec: { kind },
    dependencies,
    // the conformance suite (backends) and gradCheck (models) are test-only
    devDependencies: { '@lec/backend-tests': 'workspace:*' },
  };
}

// Written as text: Biome keeps these short arrays on one line.
const tsconfig = `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}
`;

const vitestConfig = (name) => `import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/${name}', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
`;

// ---- model package ------------------------------------------------------------------------

const modelIndex = ({ name, description }) => `/**
 * @lec/${name}: ${description}
 *
 * A model package: layers and models written with @lec/tensor ops. It never imports a
 * backend; it runs on whichever backend the caller made current (setBackend / withBackend).
 * @packageDocumentation
 */
export { affine } from './affine.js';
`;

const modelLayer = () => `import { type Tensor, type TensorLike, add, matmul } from '@lec/tensor';

/**
 * affine(x, w, b): y = x·w + b, a fully connected layer without activation.
 *
 * Shapes: x [batch, in], w [in, out], b [out] → y [batch, out] (row-major). Stateless with
 * respect to its inputs: parameters come in as arguments and a new tensor comes out, so the
 * same weights can be shared between calls. Its gradient comes from the ops it is written with.
 * @example
 * \`\`\`ts
 * affine(tensor([[1, 2]]), tensor([[1], [1]]), tensor([0.5])).toArray(); // [[3.5]]
 * \`\`\`
 */
export function affine(x: TensorLike, w: TensorLike, b: TensorLike): Tensor {
  return add(matmul(x, w), b);
}
`;

const modelTest = () => `import { gradCheck } from '@lec/backend-tests';
import { f64Backend, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { affine } from './affine.js';

describe('affine', () => {
  it('runs the README and @example code', () => {
    expect(affine(tensor([[1, 2]]), tensor([[1], [1]]), tensor([0.5])).toArray()).toEqual([[3.5]]);
  });

  it('maps [batch, in] to [batch, out]', () => {
    const y = affine(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 0, 0, 1, 1, 1], [3, 2]), tensor([0, 10]));
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([4, 15, 10, 21]);
  });

  it('passes the gradient check (float64, central differences) for x, w and b', () => {
    withBackend(f64Backend(), () => {
      const x = tensor([0.5, -1.5, 2, 0.25, 1, -1], [3, 2], { dtype: 'float64' });
      const w = tensor([0.3, -0.7, 1.1, 0.2], [2, 2], { dtype: 'float64' });
      const b = tensor([0.1, -0.2], [2], { dtype: 'float64' });
      const result = gradCheck(affine, [x, w, b]);
      expect(result.ok, result.message).toBe(true);
    });
  });
});
`;

// Every package runs its TSDoc examples as tests (CONTRIBUTING: each public function has an
// @example that a test executes), through the shared runner of @lec/backend-tests.
const examplesTest = () => `/** Runs every TSDoc \`@example\` of src/ through the shared runner of @lec/backend-tests. */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import * as api from './index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...api },
  // each example checks a value (\`expr; // value\`), and each exported function has one
  requireChecks: true,
  requireExampleFor: api,
  // examples may switch the backend: put the default back around each one
  reset: () => tensorApi.setBackend(tensorApi.jsBackend()),
});
`;

const modelReadme = ({ name, description }) => `# @lec/${name}

${description}

\`\`\`sh
npm i @lec/${name} @lec/tensor
\`\`\`

\`\`\`ts
import { tensor } from '@lec/tensor';
import { affine } from '@lec/${name}';

const y = affine(tensor([[1, 2]]), tensor([[1], [1]]), tensor([0.5]));
console.log(y.toArray()); // [[3.5]]
\`\`\`

Shapes follow lec's conventions: matrices row-major, images NHWC, sequences
[batch, time, features]. This package never imports a backend: it runs on whichever backend
is current (\`js\` unless you call \`setBackend\`).

## Development

\`\`\`sh
pnpm build --filter=@lec/${name}...
pnpm exec vitest run --project @lec/${name}
\`\`\`

See CONTRIBUTING.md at the repository root for adding layers, tests and changesets.
`;

// ---- backend package -----------------------------------------------------------------------

const backendIndex = ({ name, description }) => `/**
 * @lec/${name}: ${description}
 *
 * A backend: implements the Backend interface v1 of @lec/tensor. It never imports a model
 * package.
 * @packageDocumentation
 */
export { ${camel(name)}, ${fastPathsName(name)} } from './backend.js';
`;

function camel(name) {
  const pascal = pascalCase(backendShortName(name));
  return `${pascal[0].toLowerCase()}${pascal.slice(1)}Backend`;
}

function fastPathsName(name) {
  const pascal = pascalCase(backendShortName(name));
  return `${pascal[0].toLowerCase()}${pascal.slice(1)}FastPaths`;
}

const backendSource = ({ name }) => `/**
 * The \`${backendShortName(name)}\` backend, composed from parts (never a subclass):
 * - storage and the required primitives of a \`CpuBackend\` from @lec/tensor (typed arrays),
 *   spread in with \`requiredPrimitives\`, so the conformance suite passes from the first
 *   commit. Replace them with your engine's one family at a time (storage, unary, binary,
 *   reduce, matmul, ...) by overriding the member in the object below;
 * - a typed \`fastPaths\` record: the js backend's JavaScript fast paths (\`jsFastPaths\`:
 *   LSTM, spmm, Adam) spread first, then your own entries override or add to them. An op
 *   uses an entry when it is there and its composite otherwise. An op's forward and
 *   backward passes are one entry (lstmCell, lstmSequence, maxPool2d, avgPool2d:
 *   \`{ forward, backward }\`; conv2d: \`{ forward, backwardInput, backwardFilter }\`), so a
 *   half pair does not type-check.
 * The suite in @lec/backend-tests checks every primitive and every fast path you have against
 * the float64 reference. Layouts: images NHWC, filters [kh, kw, cin, cout], matrices row-major.
 */
import {
  type BackendInfo,
  type BackendV1,
  CpuBackend,
  type CpuHandle,
  type FastPaths,
  fastPathNames,
  jsFastPaths,
  requiredPrimitives,
} from '@lec/tensor';

/**
 * The fast paths of the \`${backendShortName(name)}\` backend over a CPU store: the js backend's,
 * plus a fused gemm (op(a)[m,k]·op(b)[k,n] + bias[n], then the activation) to show where an
 * engine's own kernel goes.
 * @example
 * \`\`\`ts
 * Object.keys(${fastPathsName(name)}(new CpuBackend({ name: 'store', storage: 'native' }))).includes('gemm'); // true
 * \`\`\`
 */
export function ${fastPathsName(name)}(store: CpuBackend): FastPaths<CpuHandle> {
  return {
    ...jsFastPaths(store),
    gemm(a, b, bias, dims, activation, dtype) {
      const product = store.matmul(a, b, { batch: 1, aBatch: 1, bBatch: 1, ...dims }, dtype);
      const out = store.get(product); // a fresh array: written in place before anyone reads it
      const biasData = bias === null ? null : store.get(bias);
      for (let i = 0; i < out.length; i++) {
        const v = out[i] + (biasData === null ? 0 : biasData[i % dims.n]);
        if (activation === 'relu') out[i] = Math.max(v, 0);
        else if (activation === 'sigmoid') out[i] = 1 / (1 + Math.exp(-v));
        else if (activation === 'tanh') out[i] = Math.tanh(v);
        else out[i] = v;
      }
      return product;
    },
  };
}

/**
 * Creates the \`${backendShortName(name)}\` backend.
 * @example
 * \`\`\`ts
 * setBackend(${camel(name)}());
 * getBackend().name; // '${backendShortName(name)}'
 * \`\`\`
 */
export function ${camel(name)}(): BackendV1<CpuHandle> {
  const store = new CpuBackend({ name: '${backendShortName(name)}', storage: 'native' });
  const fastPaths = ${fastPathsName(name)}(store);
  return {
    ...requiredPrimitives(store),
    apiVersion: 1,
    name: '${backendShortName(name)}',
    dtypes: store.dtypes,
    fastPaths,
    info: (): BackendInfo => ({ ...store.info(), name: '${backendShortName(name)}', fastPaths: fastPathNames(fastPaths) }),
  };
}
`;

const backendTest = ({ name }) => `import { add, matmul, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { ${camel(name)} } from './backend.js';

// Quick checks of the basics; backend.conformance.test.ts runs the full suite.
describe('${backendShortName(name)} backend', () => {
  it('implements Backend interface v1', () => {
    const backend = ${camel(name)}();
    expect(backend.apiVersion).toBe(1);
    expect(backend.name).toBe('${backendShortName(name)}');
    expect(backend.dtypes).toContain('float32');
  });

  it('runs the README example: stores, computes and reads back', () => {
    const backend = ${camel(name)}();
    withBackend(backend, () => {
      const y = add(matmul(tensor([[1, 2]]), tensor([[1], [1]])), tensor([0.5]));
      expect(y.backend).toBe(backend);
      expect(y.toArray()).toEqual([[3.5]]);
    });
  });

  it('frees what it stores', () => {
    const backend = ${camel(name)}();
    const before = backend.liveBuffers();
    const handle = backend.fromArray([1, 2, 3], 'float32');
    expect(Array.from(backend.read(handle, 'float32'))).toEqual([1, 2, 3]);
    backend.dispose(handle);
    backend.dispose(handle);
    expect(backend.liveBuffers()).toBe(before);
  });
});
`;

const backendConformance = ({ name }) => `// The conformance suite of @lec/backend-tests, in full: every op against the float64
// reference, gradient checks, errors, determinism, live-buffer counts and the fast paths this
// backend has. A case it cannot run goes in \`skip\` with the reason (never a name filter).
import { runConformance } from '@lec/backend-tests';
import { ${camel(name)} } from './backend.js';

runConformance({ name: '${backendShortName(name)}', makeBackend: ${camel(name)} });
`;

const backendReadme = ({ name, description }) => `# @lec/${name}

${description}

\`\`\`sh
npm i @lec/${name} @lec/tensor
\`\`\`

\`\`\`ts
import { add, matmul, setBackend, tensor } from '@lec/tensor';
import { ${camel(name)} } from '@lec/${name}';

setBackend(${camel(name)}());
const y = add(matmul(tensor([[1, 2]]), tensor([[1], [1]])), tensor([0.5]));
console.log(y.toArray()); // [[3.5]]
\`\`\`

A backend implements the Backend interface v1 of \`@lec/tensor\` (storage and about 30
primitives, plus optional fast paths) and runs the conformance suite of
\`@lec/backend-tests\` in full. It never imports a model package.

## Development

\`\`\`sh
pnpm build --filter=@lec/${name}...
pnpm exec vitest run --project @lec/${name}
\`\`\`

See CONTRIBUTING.md at the repository root ("Adding a backend").
`;

/**
 * The files of a new package, as a map from path (relative to the repository root) to
 * contents. Pure: the fields taken from the root package.json are passed in.
 * @param {{ name: string, kind: 'model' | 'backend', description?: string }} options
 * @param {{ engines: object, license: string, repositoryUrl: string | null }} rootFields
 */
export function renderPackage(options, rootFields) {
  const error = validate(options);
  if (error) throw new Error(error);
  const description =
    options.description ?? (options.kind === 'model' ? `Models and layers for lec (${options.name})` : `A lec backend (${options.name})`);
  const o = { ...options, description };
  const dir = `packages/${o.name}`;
  const files = {
    [`${dir}/package.json`]: json(packageJson(o, rootFields)),
    [`${dir}/tsconfig.json`]: tsconfig,
    [`${dir}/vitest.config.ts`]: vitestConfig(o.name),
  };
  if (o.kind === 'model') {
    files[`${dir}/src/index.ts`] = modelIndex(o);
    files[`${dir}/src/affine.ts`] = modelLayer(o);
    files[`${dir}/src/affine.test.ts`] = modelTest(o);
    files[`${dir}/src/examples.test.ts`] = examplesTest();
    files[`${dir}/README.md`] = modelReadme(o);
  } else {
    files[`${dir}/src/index.ts`] = backendIndex(o);
    files[`${dir}/src/backend.ts`] = backendSource(o);
    files[`${dir}/src/backend.test.ts`] = backendTest(o);
    files[`${dir}/src/backend.conformance.test.ts`] = backendConformance(o);
    files[`${dir}/src/examples.test.ts`] = examplesTest();
    files[`${dir}/README.md`] = backendReadme(o);
  }
  return files;
}

/** Writes a new package under `root`; refuses to overwrite an existing folder. Returns the paths written. */
export function generatePackage(options, root = repoRoot) {
  const files = renderPackage(options, readRootFields(root));
  const dir = join(root, 'packages', options.name);
  if (existsSync(dir)) throw new Error(`packages/${options.name} already exists; pick another --name`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return Object.keys(files);
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = inline ?? argv[++i];
    if (flag === '--name') options.name = value;
    else if (flag === '--kind') options.kind = value;
    else if (flag === '--description') options.description = value;
    else if (flag === '--root') options.root = value;
    else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new Error(`unknown argument ${argv[i - (inline === undefined ? 1 : 0)]}`);
  }
  return options;
}

const USAGE = `usage: pnpm new-package --name <folder> --kind model|backend [--description "..."]
  creates packages/<folder> as @lec/<folder>; see CONTRIBUTING.md`;

export function main(argv = process.argv.slice(2)) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const error = validate(options);
  if (error) {
    console.error(`${error}\n${USAGE}`);
    return 2;
  }
  const root = resolve(options.root ?? repoRoot);
  try {
    const written = generatePackage(options, root);
    if (!readRootFields(root).repositoryUrl) {
      console.warn(
        `warning: the root package.json has no "repository"; packages/${options.name}/package.json got ${PLACEHOLDER_REPOSITORY}: fix it there`,
      );
    }
    console.log(`created @lec/${options.name} (${options.kind}):\n${written.map((f) => `  ${f}`).join('\n')}`);
    console.log(
      [
        'next:',
        '  pnpm install                                   # link it into the workspace',
        `  pnpm build --filter=@lec/${options.name}...         # it and what it depends on`,
        `  pnpm exec vitest run --project @lec/${options.name}`,
        '  pnpm changeset                                 # describe it for the first release',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    console.error(e.message);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main());
}
