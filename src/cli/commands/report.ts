// `diga report <run folder>`: the run's report.html, one self-contained page built from
// its logs (pipeline and demo write it at the end, training stages at each evaluation).
// It writes only a page and a JSON file, never over the logs it reads or any other file.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import { checkOutputFile, makeOutputFolder, samePath } from '../../paths/index.js';
import { reportFromLogs } from '../../report/build-report.js';
import { logDirOf, logFilesOf, readRunLogs } from '../../report/run-logs.js';
import { REPORT_FILE, writeReport } from '../../report/write-report.js';

interface ReportValues {
  fromEvents?: boolean;
  out?: string;
  json?: string;
  overwrite?: boolean;
}

/** What `diga report` writes: a page, and its data as JSON. */
const PAGE = ['.html', '.htm'];
const JSON_FILE = ['.json'];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a run folder\'s report.html: one page with its curves, per-class IoU, pseudo-labels, consensus and centroid drift')
    .argument('<run-folder>', 'the run folder (holding logs/, as the demo and pipeline leave it) or a training stage\'s --log-dir')
    .option('--out <file>', `where to write the page (default <run-folder>/${REPORT_FILE}); its links to the sample grids are relative to its folder`)
    .option('--json <file>', 'also write the data behind the page as JSON')
    .option('--from-events', "read the training stages from their TensorBoard events (<log-dir>/tensorboard/<stage>/) instead of their JSONL logs; a stage whose log is missing is read from them anyway")
    .option('--overwrite', `replace an existing --out page (.html) or --json file (.json); the run folder's own ${REPORT_FILE} is always refreshed`)
    .action((runDir: string, o: ReportValues) => {
      if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new Error(`${runDir} is not a folder`);
      const warn = (m: string) => process.stderr.write(`diga: ${m}\n`);
      // Read once for the page and the JSON: a long run's logs take seconds to read.
      const logs = readRunLogs(runDir, { warn, fromEvents: o.fromEvents === true });
      if (logs.training.length === 0 && logs.pipeline.length === 0) {
        throw new Error(
          `no run logs in ${logDirOf(runDir)} (looked for pipeline.jsonl, warm-up.jsonl, self-train.jsonl and round*/self-train.jsonl, and for TensorBoard events in tensorboard/<stage>/ beside them)`,
        );
      }
      const page = o.out ?? join(runDir, REPORT_FILE);
      const inputs = logFilesOf(runDir);
      // The run's own page is rewritten at every evaluation anyway; any other file only when asked.
      const own = samePath(page, join(runDir, REPORT_FILE));
      checkOutputFile(page, { what: '--out', kinds: PAGE, overwrite: own || o.overwrite === true, inputs });
      if (o.json !== undefined) {
        if (samePath(o.json, page)) throw new Error(`--json ${o.json} is the page itself; give the JSON another file`);
        checkOutputFile(o.json, { what: '--json', kinds: JSON_FILE, overwrite: o.overwrite === true, inputs });
      }
      const report = reportFromLogs(runDir, logs);
      const out = writeReport(runDir, page, { warn, report });
      process.stdout.write(`wrote ${out}\n`);
      if (o.json) {
        makeOutputFolder(dirname(o.json), 'the folder of --json');
        writeFileAtomic(o.json, [Buffer.from(`${JSON.stringify(report, null, 2)}\n`)]);
        process.stdout.write(`wrote ${o.json}\n`);
      }
    });
}
