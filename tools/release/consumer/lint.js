// Runs publint (strict: warnings fail) and arethetypeswrong (profile esm-only: we ship ESM
// only, and Node >= 20.19 can require() it) on each tarball given on the command line.
// Prints one JSON line: {publint: {version, results}, attw: {version, results}}.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const version = (name) => JSON.parse(readFileSync(join(import.meta.dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
const attwBin = join(import.meta.dirname, 'node_modules', '.bin', 'attw');
const out = { publint: { version: version('publint'), results: {} }, attw: { version: version('@arethetypeswrong/cli'), results: {} } };

for (const [name, tarball, nonJsSubpaths] of JSON.parse(process.argv[2])) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  out.publint.results[name] = messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`);

  // attw can only resolve types for JS subpaths: .wasm and package.json subpaths are left out
  const args = [tarball, '--profile', 'esm-only', '--format', 'json'];
  if (nonJsSubpaths.length) args.push('--exclude-entrypoints', ...nonJsSubpaths);
  const run = spawnSync(attwBin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  try {
    const report = JSON.parse(run.stdout);
    const ignored = new Set(['node10', 'node16-cjs']);
    const problems = (report.analysis?.problems ?? report.problems ?? []).filter((p) => !ignored.has(p.resolutionKind));
    out.attw.results[name] = problems.map((p) => `${p.kind} at "${p.entrypoint}" (${p.resolutionKind})`);
    if (run.status !== 0 && problems.length === 0) out.attw.results[name].push(`attw exited ${run.status}`);
  } catch {
    out.attw.results[name] = [`attw did not run: ${(run.stderr || run.stdout || String(run.error)).trim().split('\n')[0]}`];
  }
}
console.log(JSON.stringify(out));
