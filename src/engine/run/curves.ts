// A training stage's loss and mIoU curves, drawn from its run log, read a record at a time
// (a long run's log holds more steps than fit in memory as objects, or in one call's arguments).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { curvePoints } from './curve-points.js';
import { forEachRecord } from './log-reader.js';
import { writeLineChart } from './plots.js';
import type { LogRecord } from './run-log.js';
import { StepTable } from './step-table.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOr = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** Writes `<dir>/<stage>-loss.png` (every logged term) and `<dir>/<stage>-miou.png`. */
export async function writeCurves(logPath: string, stage: string, dir: string): Promise<void> {
  const steps = new StepTable();
  const termNames = new Set<string>();
  const evals: LogRecord[] = [];
  // A log that could not be written (a full disk) still gets its empty charts, as the run goes on.
  if (existsSync(logPath)) forEachRecord(logPath, (r) => {
    if (r.stage !== stage || typeof r.iteration !== 'number') return;
    if (r.kind === 'eval') evals.push(r);
    if (r.kind !== 'step' || !isObject(r.terms)) return;
    const row = steps.add(r.iteration);
    for (const [name, value] of Object.entries(r.terms)) {
      termNames.add(name);
      steps.set(name, row, numberOr(value));
    }
  });
  const kept = steps.kept();
  await writeLineChart(join(dir, `${stage}-loss.png`), `${stage} losses`, [...termNames].map((name) => ({
    name,
    points: curvePoints(kept.length, (i) => steps.iteration(kept[i]), (i) => steps.value(name, kept[i])),
  })));
  await writeLineChart(join(dir, `${stage}-miou.png`), `${stage} val mIoU`, [
    { name: 'mIoU', points: curvePoints(evals.length, (i) => evals[i].iteration as number, (i) => numberOr(evals[i].miou)) },
  ]);
}
