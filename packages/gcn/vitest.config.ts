import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/gcn', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
