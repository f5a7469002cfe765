/**
 * Progress on stderr: a cli-progress bar on a terminal, plain lines otherwise (CI logs),
 * or nothing (tests).
 */
import cliProgress from 'cli-progress';
import type { Progress } from './types.js';

export type ProgressMode = 'auto' | 'bar' | 'plain' | 'silent';

export function createProgress(mode: ProgressMode = 'auto'): Progress {
  const m = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'plain') : mode;
  if (m === 'silent') return { start() {}, tick() {}, log() {}, stop() {} };
  if (m === 'plain') {
    let i = 0;
    let total = 0;
    let prefix = '';
    return {
      start(t, label) {
        i = 0;
        total = t;
        prefix = label;
        process.stderr.write(`${label}: ${t} steps\n`);
      },
      tick(label) {
        i++;
        process.stderr.write(`[${prefix} ${i}/${total}] ${label}\n`);
      },
      log(line) {
        process.stderr.write(`${line}\n`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, format: ' {suite} [{bar}] {value}/{total} {label}', hideCursor: true, clearOnComplete: false, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  let suite = '';
  return {
    start(total, label) {
      suite = label;
      bar = multi.create(total, 0, { suite, label: '' });
    },
    tick(label) {
      bar?.increment(1, { suite, label });
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
