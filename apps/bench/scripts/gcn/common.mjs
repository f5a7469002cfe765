// Shared bits of the gcn scripts: the data directory (--data DIR or LEC_DATA_DIR), flags, and the
// Planetoid loading both ways (--source original: the ind.* files through @lec/datasets' cache,
// downloaded when missing, from --mirror URL first when given, into --root DIR (default --data);
// --source text: the text copies under --data).
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

export function dataDir() {
  const dir = arg('data', process.env.LEC_DATA_DIR);
  if (!dir) {
    console.error('give the datasets directory: --data ../shared/datasets (or set LEC_DATA_DIR)');
    process.exit(2);
  }
  return dir;
}

export const meanStd = (xs) => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return [m, sd];
};

/** The Planetoid dataset by --source (original, the default, or text), and where it came from. */
export async function planetoidFromArgs(api, name) {
  const source = arg('source', 'original');
  const t0 = performance.now();
  const d =
    source === 'text'
      ? api.loadPlanetoidText(dataDir(), name)
      : await api.loadPlanetoid(name, {
          root: arg('root', arg('data', process.env.LEC_DATA_DIR)),
          mirrors: arg('mirror') ? [arg('mirror')] : undefined,
          progressBar: false,
        });
  const ms = performance.now() - t0;
  console.log(`${name}: ${source === 'text' ? 'text copies' : 'original ind.* files'} loaded in ${ms.toFixed(0)} ms`);
  return d;
}
