// The size table pack-check prints (markdown, so it can go into a README as is).

/** Bytes in the units people read: 812 B, 45.1 kB, 2.31 MB (SI, as npm prints them). */
export function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/**
 * A markdown table of packed packages.
 * @param {{ name: string, packed: number, unpacked: number, files: number }[]} rows
 */
export function packageSizeTable(rows) {
  const lines = ['| package | packed (.tgz) | unpacked | files |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| \`${r.name}\` | ${formatBytes(r.packed)} | ${formatBytes(r.unpacked)} | ${r.files} |`);
  return lines.join('\n');
}

/**
 * A markdown table of built pages.
 * @param {{ page: string, minified: number, gzip: number }[]} rows
 */
export function pageSizeTable(rows) {
  const lines = ['| page (Vite 8 build) | JS, minified | JS, gzip |', '|---|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.page} | ${formatBytes(r.minified)} | ${formatBytes(r.gzip)} |`);
  return lines.join('\n');
}
