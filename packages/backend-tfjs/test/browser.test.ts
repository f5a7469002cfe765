/**
 * The browser tests inside vitest: runs test/browser/run-browser.mjs (headless Chromium,
 * webgl and webgpu) while collecting, then mirrors every browser result as a vitest case so
 * the counts reach CI: a pass passes, a failure fails with its message, a skip is a skip
 * with its reason. Without Chromium, or with LEC_BROWSER_TESTS=0, one explicit skip says why.
 */
import { chromiumUnavailable } from '@lec/tools-chromium';
import { describe, it } from 'vitest';
// @ts-expect-error plain .mjs script without types
import { runBrowserTests, summarize } from './browser/run-browser.mjs';

interface Result {
  name: string;
  state: 'pass' | 'fail' | 'skip';
  error?: string;
  note?: string;
}
interface Run {
  env: { fatal?: string };
  results: Result[];
  seconds: number;
}

const off = process.env.LEC_BROWSER_TESTS === '0';
const why = off ? 'LEC_BROWSER_TESTS=0' : (chromiumUnavailable()?.concat(': run packages/backend-tfjs/scripts/install-chromium.sh') ?? '');

if (why) {
  describe('browser (webgl, webgpu)', () => {
    it('headless Chromium runs', (ctx) => ctx.skip(why));
  });
} else {
  // the training runs' losses and tensor counts reach the vitest output; other page logs do not
  const runs = (await runBrowserTests({
    log: (line: string) => /^ {2}\[\w+\] (cnn|lenet) /.test(line) && console.log(line.trim()),
  })) as Record<string, Run>;
  for (const [device, run] of Object.entries(runs)) {
    const s = summarize(run);
    console.log(`browser tfjs-${device}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${run.seconds.toFixed(0)} s)`);
    describe(`browser tfjs-${device}`, () => {
      if (run.env.fatal)
        it('page ran', () => {
          throw new Error(run.env.fatal);
        });
      for (const r of run.results) {
        if (r.state === 'skip') it(r.name, (ctx) => ctx.skip(r.note ?? 'skipped in the page'));
        else if (r.state === 'fail')
          it(r.name, () => {
            throw new Error(r.error);
          });
        else it(r.name, () => undefined);
      }
    });
  }
}
