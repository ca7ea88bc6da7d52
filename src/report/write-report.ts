// Writing a run's report.html: built from its logs and replaced atomically, so a reader
// never sees half a page (the training stages rewrite it at every evaluation).
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import { makeOutputFolder } from '../paths/index.js';
import { plural } from '../plural.js';
import { buildReport, type Report } from './build-report.js';
import { renderReport } from './render/page.js';
import { runDirOf } from './run-logs.js';
import { sampleLink } from './samples.js';

export const REPORT_FILE = 'report.html';

export interface WriteReportOptions {
  /** Told when the page cannot link the sample grids relative to its own folder, and of log lines that are no records. */
  warn?: (message: string) => void;
  /** The report, where the caller has built it already (its logs are then not read again). */
  report?: Report;
}

/**
 * Writes `<runDir>/report.html` (or `out`) and returns its path. The page links the sample
 * grids relative to the folder it is written into, so `out` may be anywhere; where no
 * relative link reaches them (another drive), the page says so and `warn` is told.
 */
export function writeReport(runDir: string, out = join(runDir, REPORT_FILE), options: WriteReportOptions = {}): string {
  const report = options.report ?? buildReport(runDir, { warn: options.warn });
  const pageDir = dirname(resolve(out));
  const absolute = report.samples.filter((s) => !sampleLink(report.runDir, pageDir, s.file).relative).length;
  if (absolute > 0) {
    options.warn?.(
      `${out}: no relative link leads from ${pageDir} to the run folder ${report.runDir}, so the page links its ` +
        `${plural(absolute, 'sample grid')} by absolute file: URL (they show only while the run stays there); write the page on the run's drive to avoid this`,
    );
  }
  // The CLI checks a --out page first (kind, --overwrite); the folder is made here by the same policy.
  makeOutputFolder(pageDir, 'the report page folder');
  writeFileAtomic(out, [Buffer.from(renderReport(report, { pageDir }))]);
  return out;
}

/** Rewrites the report of the run whose logs are in `logDir` (the parent folder of a `logs/`). */
export async function refreshReport(logDir: string): Promise<void> {
  writeReport(runDirOf(logDir));
}
