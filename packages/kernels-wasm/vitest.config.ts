import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/kernels-wasm', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
