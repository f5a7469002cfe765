import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/rnn', testTimeout: 120000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
