// Writing a run's report.html: built from its logs and replaced atomically, so a reader
// never sees half a page (the training stages rewrite it at every evaluation).
import { join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import { buildReport } from './build-report.js';
import { renderReport } from './render/page.js';
import { runDirOf } from './run-logs.js';

export const REPORT_FILE = 'report.html';

/** Writes `<runDir>/report.html` (or `out`) and returns its path. */
export function writeReport(runDir: string, out = join(runDir, REPORT_FILE)): string {
  writeFileAtomic(out, [Buffer.from(renderReport(buildReport(runDir)))]);
  return out;
}

/** Rewrites the report of the run whose logs are in `logDir` (the parent folder of a `logs/`). */
export async function refreshReport(logDir: string): Promise<void> {
  writeReport(runDirOf(logDir));
}
