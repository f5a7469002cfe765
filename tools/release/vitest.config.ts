import { defineProject } from 'vitest/config';

// Only lib/ holds tests: fixtures/ and consumer/ are data (fixtures ship test files on purpose).
export default defineProject({
  test: { name: 'tools-release', include: ['lib/**/*.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 60_000 },
});
