import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/backend-tfjs', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
