import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/nn', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000 },
});
