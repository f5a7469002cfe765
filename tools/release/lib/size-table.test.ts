import { expect, test } from 'vitest';
import { formatBytes, packageSizeTable, pageSizeTable } from './size-table.mjs';

test('formatBytes uses SI units as npm does', () => {
  expect(formatBytes(812)).toBe('812 B');
  expect(formatBytes(45_108)).toBe('45.1 kB');
  expect(formatBytes(2_314_420)).toBe('2.31 MB');
});

test('the size tables are markdown', () => {
  expect(packageSizeTable([{ name: '@lec/cnn', packed: 45_108, unpacked: 167_000, files: 71 }])).toBe(
    ['| package | packed (.tgz) | unpacked | files |', '|---|---:|---:|---:|', '| `@lec/cnn` | 45.1 kB | 167.0 kB | 71 |'].join('\n'),
  );
  expect(pageSizeTable([{ page: 'tensor only', minified: 17_707, gzip: 6_170 }])).toBe(
    ['| page (Vite 8 build) | JS, minified | JS, gzip |', '|---|---:|---:|', '| tensor only | 17.7 kB | 6.2 kB |'].join('\n'),
  );
});
