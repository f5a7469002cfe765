import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/cnn', testTimeout: 60000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
