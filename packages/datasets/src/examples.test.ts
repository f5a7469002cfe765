/** Runs every TSDoc `@example` of src/ through the shared runner of @lec/backend-tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import { fixtureDigests, fixtureRoot, tempDir, tinyCifarTarGz, tinyPlanetoidFiles } from '../test/helpers.js';
import * as api from './index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...api, fs, os, fixtureRoot, fixtureDigests, tinyCifarTarGz, tinyPlanetoidFiles, emptyDir: tempDir() },
  requireChecks: true,
  requireExampleFor: api,
  reset: () => tensorApi.setBackend(tensorApi.jsBackend()),
});
