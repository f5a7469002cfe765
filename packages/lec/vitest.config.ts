import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'lec', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
