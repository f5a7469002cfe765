import * as tensorApi from '@lec/tensor';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as api from '../src/index.js';
import * as png from '../src/png.js';
import { collectExamples, runExample } from './run-examples.js';

const examples = collectExamples(fileURLToPath(new URL('../src', import.meta.url)));

test('the public API carries @examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(25);
});

test.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))(
  'example %s runs and its values hold',
  async (_, ex) => {
    await runExample(ex, { ...tensorApi, ...api, ...png, join, tmpdir });
  },
  30_000,
);
