// `diga report <run folder>`: the run's report.html, one self-contained page built from
// its logs (pipeline and demo write it at the end, training stages at each evaluation).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import { buildReport } from '../../report/build-report.js';
import { logDirOf, readRunLogs } from '../../report/run-logs.js';
import { REPORT_FILE, writeReport } from '../../report/write-report.js';

interface ReportValues {
  out?: string;
  json?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a run folder\'s report.html: one page with its curves, per-class IoU, pseudo-labels, consensus and centroid drift')
    .argument('<run-folder>', 'the run folder (holding logs/, as the demo and pipeline leave it) or a training stage\'s --log-dir')
    .option('--out <file>', `where to write the page (default <run-folder>/${REPORT_FILE}); its links to the sample grids are relative to its folder`)
    .option('--json <file>', 'also write the data behind the page as JSON')
    .action((runDir: string, o: ReportValues) => {
      if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new Error(`${runDir} is not a folder`);
      const logs = readRunLogs(runDir);
      if (logs.training.length === 0 && logs.pipeline.length === 0) {
        throw new Error(`no run logs in ${logDirOf(runDir)} (looked for pipeline.jsonl, warm-up.jsonl, self-train.jsonl and round*/self-train.jsonl)`);
      }
      const out = writeReport(runDir, o.out ?? join(runDir, REPORT_FILE), { warn: (m) => process.stderr.write(`diga: ${m}\n`) });
      process.stdout.write(`wrote ${out}\n`);
      if (o.json) {
        mkdirSync(dirname(resolve(o.json)), { recursive: true });
        writeFileAtomic(o.json, [Buffer.from(`${JSON.stringify(buildReport(runDir), null, 2)}\n`)]);
        process.stdout.write(`wrote ${o.json}\n`);
      }
    });
}
