import * as tensorApi from '@lec/tensor';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as api from '../src/index.js';
import * as bench from '../src/bench.js';
import { collectExamples, runExample } from './run-examples.js';

const examples = collectExamples(fileURLToPath(new URL('../src', import.meta.url)));

test('every public export has an @example', () => {
  expect(examples.length).toBeGreaterThanOrEqual(10);
});

test.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('example %s runs and its values hold', async (_, ex) => {
  await runExample(ex, { ...tensorApi, ...api, ...bench });
});
