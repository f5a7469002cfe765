import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/tensor', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
