import { describe, expect, it } from 'vitest';
import { checkBoundaries, checkPackage, formatViolation, packageKind, scanImports } from './boundaries.mjs';
import { repoRoot } from './lib/workspace.mjs';
import { fixture, manifest, runScript } from './test-helpers.js';

const messages = (root: string) => checkBoundaries(root).map(formatViolation);

describe('boundaries check', () => {
  it('passes on the current tree', () => {
    expect(messages(repoRoot)).toEqual([]);
  });

  it('fails when a model package imports @lec/kernels-wasm, naming the file, line and import', () => {
    const root = fixture({
      'packages/nn/package.json': manifest('@lec/nn', { dependencies: { '@lec/tensor': 'workspace:*' } }),
      'packages/nn/src/layers/dense.ts':
        "import { matmul } from '@lec/tensor';\nimport { wasmBackend } from '@lec/kernels-wasm';\nexport const x = [matmul, wasmBackend];\n",
    });
    const found = messages(root);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^packages\/nn\/src\/layers\/dense\.ts:2: model package @lec\/nn imports backend '@lec\/kernels-wasm'/);
    const cli = runScript('boundaries.mjs', root);
    expect(cli.status).toBe(1);
    expect(cli.output).toContain("packages/nn/src/layers/dense.ts:2: model package @lec/nn imports backend '@lec/kernels-wasm'");
  });

  it('catches type-only, dynamic and re-exported imports of peer engines in a model package', () => {
    const root = fixture({
      'packages/cnn/package.json': manifest('@lec/cnn'),
      'packages/cnn/src/a.ts': "import type { Tensor } from '@tensorflow/tfjs-core';\nexport type T = Tensor;\n",
      'packages/cnn/src/b.ts': "export async function f() {\n  return import('onnxruntime-node');\n}\n",
      'packages/cnn/src/c.ts': "export * from '@lec/backend-tfjs';\n",
    });
    expect(messages(root)).toEqual([
      "packages/cnn/src/a.ts:1: model package @lec/cnn imports backend '@tensorflow/tfjs-core': a model package never imports a backend: take tensors on whatever backend the caller set (setBackend / withBackend)",
      expect.stringContaining("packages/cnn/src/b.ts:2: model package @lec/cnn imports backend 'onnxruntime-node'"),
      expect.stringContaining("packages/cnn/src/c.ts:1: model package @lec/cnn imports backend '@lec/backend-tfjs'"),
    ]);
  });

  it('fails on a backend in a model package’s dependencies, but allows it in devDependencies and tests', () => {
    const root = fixture({
      'packages/rnn/package.json': manifest('@lec/rnn', { dependencies: { '@lec/kernels-wasm': 'workspace:*' } }),
      'packages/gcn/package.json': manifest('@lec/gcn', { devDependencies: { '@lec/kernels-wasm': 'workspace:*' } }),
      'packages/gcn/src/gcn.test.ts': "import { wasmBackend } from '@lec/kernels-wasm';\nexport const b = wasmBackend;\n",
    });
    expect(messages(root)).toEqual([
      expect.stringMatching(
        /^packages\/rnn\/package\.json: model package @lec\/rnn depends on backend '@lec\/kernels-wasm' in "dependencies"/,
      ),
    ]);
  });

  it('keeps @lec/interop above the models: it imports no backend, and no model imports it', () => {
    const root = fixture({
      'packages/interop/package.json': manifest('@lec/interop', { dependencies: { '@lec/nn': 'workspace:*' } }),
      'packages/interop/src/onnx.ts': "import { InferenceSession } from 'onnxruntime-node';\nexport { InferenceSession };\n",
      'packages/interop/src/onnx.test.ts': "import { InferenceSession } from 'onnxruntime-web';\nexport { InferenceSession };\n",
      'packages/cnn/package.json': manifest('@lec/cnn'),
      'packages/cnn/src/load.ts': "import { fromTorchStateDict } from '@lec/interop';\nexport { fromTorchStateDict };\n",
    });
    expect(packageKind({ name: '@lec/interop' })).toBe('converter');
    expect(messages(root)).toEqual([
      expect.stringContaining("packages/cnn/src/load.ts:1: model package @lec/cnn imports converter '@lec/interop'"),
      expect.stringContaining("packages/interop/src/onnx.ts:1: converter package @lec/interop imports backend 'onnxruntime-node'"),
    ]);
  });

  it('lets the umbrella package lec import models and backends, and keeps every published package from importing it', () => {
    const root = fixture({
      'packages/lec/package.json': manifest('lec', { dependencies: { '@lec/nn': 'workspace:^', '@lec/kernels-wasm': 'workspace:^' } }),
      'packages/lec/src/index.ts': "export * from '@lec/nn';\nexport { wasmBackend } from '@lec/kernels-wasm';\n",
      'packages/cnn/package.json': manifest('@lec/cnn'),
      'packages/cnn/src/a.ts': "import { ready } from 'lec';\nexport const r = ready;\n",
      'packages/kernels-wasm/package.json': manifest('@lec/kernels-wasm', { dependencies: { lec: 'workspace:^' } }),
      'packages/interop/package.json': manifest('@lec/interop'),
      'packages/interop/src/b.ts': "export * from 'lec';\n",
      'apps/docs/package.json': JSON.stringify({ name: '@lec/docs', private: true, dependencies: { lec: 'workspace:^' } }),
    });
    expect(packageKind({ name: 'lec' })).toBe('umbrella');
    const found = messages(root);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "packages/cnn/src/a.ts:1: model package @lec/cnn imports umbrella 'lec': the umbrella package lec sits at the top",
        ),
        expect.stringContaining("packages/kernels-wasm/package.json: backend package @lec/kernels-wasm depends on umbrella 'lec'"),
        expect.stringContaining("packages/interop/src/b.ts:1: converter package @lec/interop imports umbrella 'lec'"),
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('fails when a backend imports a model package', () => {
    const root = fixture({
      'packages/kernels-wasm/package.json': manifest('@lec/kernels-wasm'),
      'packages/kernels-wasm/src/index.ts': "import { Module } from '@lec/nn';\nexport { Module };\n",
    });
    expect(messages(root)).toEqual([
      expect.stringContaining("packages/kernels-wasm/src/index.ts:1: backend package @lec/kernels-wasm imports model '@lec/nn'"),
    ]);
  });

  it('fails when @lec/tensor gains a runtime dependency, naming it', () => {
    const root = fixture({
      'packages/tensor/package.json': manifest('@lec/tensor', {
        dependencies: { 'ml-matrix': '6.15.1' },
        devDependencies: { vitest: '4.1.12' },
      }),
      'packages/tensor/src/index.ts': "export * from './ops/add.js';\n",
      'packages/tensor/src/ops/add.ts': 'export const add = 1;\n',
    });
    const cli = runScript('boundaries.mjs', root);
    expect(cli.status).toBe(1);
    expect(cli.output).toContain(
      `packages/tensor/package.json: @lec/tensor must have no runtime dependency, but "dependencies" lists 'ml-matrix'`,
    );
  });

  it('fails when @lec/tensor imports a module in src/, pointing node builtins to process.getBuiltinModule', () => {
    const root = fixture({
      'packages/tensor/package.json': manifest('@lec/tensor'),
      'packages/tensor/src/io.ts':
        "import { readFileSync } from 'node:fs';\nimport chalk from 'chalk';\nexport const r = [readFileSync, chalk];\n",
      'packages/tensor/src/io.test.ts': "import { it } from 'vitest';\nit('runs', () => {});\n",
    });
    expect(messages(root)).toEqual([
      "packages/tensor/src/io.ts:1: @lec/tensor imports 'node:fs': its src/ may import only its own files (relative paths); reach Node builtins at run time with process.getBuiltinModule('node:fs') so the package still loads in browsers",
      "packages/tensor/src/io.ts:2: @lec/tensor imports 'chalk': its src/ may import only its own files (relative paths)",
    ]);
  });

  it('fails on a relative import that reaches into another package', () => {
    const root = fixture({
      'packages/pca/package.json': manifest('@lec/pca'),
      'packages/pca/src/pca.ts': "export { matmul } from '../../tensor/src/ops/matmul.js';\n",
    });
    expect(messages(root)).toEqual([
      expect.stringContaining("packages/pca/src/pca.ts:1: imports '../../tensor/src/ops/matmul.js', a path outside packages/pca/"),
    ]);
  });

  it('keeps the test-only @lec/backend-tests out of published code', () => {
    const root = fixture({
      'packages/nn/package.json': manifest('@lec/nn', { dependencies: { '@lec/backend-tests': 'workspace:*' } }),
      'packages/nn/src/check.ts': "export { gradCheck } from '@lec/backend-tests';\n",
      'packages/nn/src/dense.test.ts': "import { gradCheck } from '@lec/backend-tests';\nexport const g = gradCheck;\n",
      'packages/cnn/package.json': manifest('@lec/cnn', { devDependencies: { '@lec/backend-tests': 'workspace:*' } }),
      'apps/bench/package.json': manifest('@lec/bench', { private: true, dependencies: { '@lec/backend-tests': 'workspace:*' } }),
    });
    expect(messages(root)).toEqual([
      `packages/nn/package.json: @lec/nn lists the test-only package '@lec/backend-tests' in "dependencies": move it to devDependencies`,
      "packages/nn/src/check.ts:1: imports the test-only package '@lec/backend-tests' outside a test file: published code must not need it",
    ]);
  });

  it('keeps @lec/datasets (kind data) below the models: no model or backend import', () => {
    const pkg = {
      name: '@lec/datasets',
      dir: 'packages/datasets',
      json: { name: '@lec/datasets', dependencies: { '@lec/tensor': 'workspace:^' } },
    };
    expect(packageKind(pkg.json)).toBe('data');
    expect(checkPackage(pkg, [{ path: 'packages/datasets/src/a.ts', text: "import { tensor } from '@lec/tensor';" }])).toEqual([]);
    const bad = checkPackage(pkg, [
      { path: 'packages/datasets/src/a.ts', text: "import { Graph } from '@lec/gcn';\nimport { wasmBackend } from '@lec/kernels-wasm';" },
    ]);
    expect(bad.map((v) => v.message)).toEqual([
      expect.stringMatching(/data package @lec\/datasets imports model '@lec\/gcn'/),
      expect.stringMatching(/data package @lec\/datasets imports backend '@lec\/kernels-wasm'/),
    ]);
  });

  it('classifies new packages by their "lec.kind" field', () => {
    expect(packageKind({ name: '@lec/vision', lec: { kind: 'model' } })).toBe('model');
    expect(packageKind({ name: '@lec/backend-webnn', lec: { kind: 'backend' } })).toBe('backend');
    expect(packageKind({ name: '@lec/backend-tests' })).toBe('other');
    const kinds = new Map([['@lec/backend-webnn', 'backend']]);
    const pkg = { name: '@lec/vision', dir: 'packages/vision', json: { name: '@lec/vision', lec: { kind: 'model' } } };
    const files = [{ path: 'packages/vision/src/index.ts', text: "import '@lec/backend-webnn';\n" }];
    expect(checkPackage(pkg, files, kinds)).toHaveLength(1);
  });

  it('ignores imports in comments and strings', () => {
    expect(scanImports("// import '@lec/kernels-wasm';\nconst s = \"import x from '@lec/kernels-wasm'\";\n")).toEqual([]);
  });
});
