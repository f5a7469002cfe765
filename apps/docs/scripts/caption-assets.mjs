#!/usr/bin/env node
// The captioning page's assets in docs/public/generated/ (called by prepare-assets.mjs; runs alone too):
// - the ImageCaptioner (LeNet-style encoder → LSTM) as saved by packages/rnn/scripts/caption.mjs, from
//   fixtures/captioner.{json,safetensors}: its recipe (12,000 steps) takes minutes on a quiet machine, too long
//   for every docs build, so the saved model is committed (1.1 MB float32) with fixtures/captioner-recipe.json
//   (the commands that made it and the accuracy they measured), as the brief of issue 26 allows;
// - 24 test images composed only from the digit images held out of its training (loadMnist 9,000 / 1,000,
//   seed 0: the test 1,000), as uint8 pixels with their captions, for the page's "pick a test image".
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsRoot, generatedDir } from './paths.mjs';

export const CAPTION_PICKS = { count: 24, seed: 11, version: 1 };

export async function prepareCaptionAssets(log = (line) => console.log(`caption-assets: ${line}`)) {
  mkdirSync(generatedDir, { recursive: true });
  const fixtures = join(docsRoot, 'fixtures');
  for (const file of ['captioner.json', 'captioner.safetensors', 'captioner-recipe.json'])
    copyFileSync(join(fixtures, file), join(generatedDir, file));
  const picksJson = join(generatedDir, 'caption-test.json');
  const key = JSON.stringify(CAPTION_PICKS);
  if (existsSync(picksJson) && JSON.parse(readFileSync(picksJson, 'utf8')).key === key) {
    log('captioner copied; test images are up to date');
    return;
  }
  const { loadMnist } = await import('@lec/cnn');
  const { digitCaptions } = await import('@lec/rnn');
  const { test } = await loadMnist({ trainSize: 9000, testSize: 1000, seed: 0 });
  const picks = digitCaptions(test, CAPTION_PICKS.count, { seed: CAPTION_PICKS.seed });
  const [n, height, width] = picks.images.shape;
  const pixels = picks.images.dataSync();
  const bytes = new Uint8Array(pixels.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(pixels[i] * 255);
  writeFileSync(join(generatedDir, 'caption-test-images.u8'), bytes);
  writeFileSync(picksJson, `${JSON.stringify({ key, count: n, height, width, captions: picks.captions }, null, 2)}\n`);
  log(`captioner copied; ${n} test images composed from held-out digits`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await prepareCaptionAssets();
