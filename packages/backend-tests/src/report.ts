/** The per-backend tally the suite keeps and writes as JSON when it ends. */

/** What the JSON report holds. */
export interface ConformanceReport {
  backend: string;
  info: Record<string, unknown>;
  dtypes: string[];
  fastPaths: { present: string[]; calls: Record<string, number> };
  counts: { registered: number; passed: number; failed: number; skipped: number; notRun: number };
  skipped: { id: string; reason: string }[];
  failed: { id: string; message: string }[];
  durationMs: number;
}

/** Counts cases as they finish. */
export class Tally {
  registered = 0;
  readonly passed: string[] = [];
  readonly failed: { id: string; message: string }[] = [];
  readonly skipped: { id: string; reason: string }[] = [];
  readonly started = Date.now();

  /** The closing line, e.g. `conformance js: 812 passed, 0 failed, 3 skipped`. */
  line(name: string): string {
    const notRun = this.registered - this.passed.length - this.failed.length - this.skipped.length;
    return `conformance ${name}: ${this.passed.length} passed, ${this.failed.length} failed, ${this.skipped.length} skipped${notRun > 0 ? `, ${notRun} not run` : ''}`;
  }

  report(base: Omit<ConformanceReport, 'counts' | 'skipped' | 'failed' | 'durationMs'>): ConformanceReport {
    return {
      ...base,
      counts: {
        registered: this.registered,
        passed: this.passed.length,
        failed: this.failed.length,
        skipped: this.skipped.length,
        notRun: this.registered - this.passed.length - this.failed.length - this.skipped.length,
      },
      skipped: this.skipped,
      failed: this.failed,
      durationMs: Date.now() - this.started,
    };
  }
}

/** Writes `report` as JSON to `file` where a filesystem exists (Node); returns whether it did. */
export function writeReport(file: string, report: ConformanceReport): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as { writeFileSync(path: string, data: string): void } | undefined;
  if (!fs) return false;
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return true;
}

/** `<cwd>/conformance-<name>.json`, or a bare file name where there is no process. */
export function defaultReportFile(name: string): string {
  const proc = (globalThis as { process?: { cwd?: () => string; getBuiltinModule?: (id: string) => unknown } }).process;
  const path = proc?.getBuiltinModule?.('node:path') as { join(...parts: string[]): string } | undefined;
  const file = `conformance-${name.replace(/[^\w.-]+/g, '_')}.json`;
  return path && proc?.cwd ? path.join(proc.cwd(), file) : file;
}
