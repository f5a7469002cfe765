/** Test helpers: fixture files, NCHW ↔ NHWC, float32 comparison with a relative tolerance. */
import { readFileSync } from 'node:fs';
import { readSafetensors, type SafetensorsEntry } from '@lec/nn';
import { expect } from 'vitest';
import { permute } from '../src/layout.js';

export const fixturePath = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
export const fixtureBytes = (name: string) => new Uint8Array(readFileSync(fixturePath(name)));

/** The input and torch's output stored beside a fixture. */
export function fixtureIo(name: string): { tensors: Map<string, SafetensorsEntry>; metadata: Record<string, string> } {
  return readSafetensors(fixtureBytes(`${name}.io.safetensors`));
}

/** [n, c, h, w] → [n, h, w, c]. */
export function nchwToNhwc(e: { data: ArrayLike<number>; shape: number[] }): { data: Float32Array; shape: number[] } {
  const [n, c, h, w] = e.shape;
  return { data: permute(Float32Array.from(e.data), e.shape, [0, 2, 3, 1]), shape: [n, h, w, c] };
}

/**
 * Asserts |a − e| ≤ atol + rtol·|e| everywhere (float32 against float32 computed by another engine),
 * reporting the count of mismatches and the worst element.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let bad = 0;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= 0)) {
      bad++;
      if (!(excess <= worstExcess)) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (bad > 0)
    expect.fail(
      `${bad} of ${expected.length} elements differ beyond rtol ${rtol} atol ${atol}; worst at ${worst}: ${actual[worst]} vs ${expected[worst]}`,
    );
}
