import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@lec/autoencoder', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
