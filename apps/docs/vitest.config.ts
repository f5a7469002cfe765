import { defineProject } from 'vitest/config';

// The browser test of the built site: builds it (unless LEC_DOCS_PREBUILT=1), serves it on
// 127.0.0.1 and drives Debian's chromium through playwright-core. Long timeouts: the build
// and the in-page training demos take minutes on two cores.
export default defineProject({
  test: {
    name: '@lec/docs',
    include: ['test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 420_000,
  },
});
