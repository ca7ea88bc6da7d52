// A training stage's loss and mIoU curves, drawn from its run log.
import { join } from 'node:path';
import { writeLineChart } from './plots.js';
import { RunLog } from './run-log.js';

/** Writes `<dir>/<stage>-loss.png` (every logged term) and `<dir>/<stage>-miou.png`. */
export async function writeCurves(logPath: string, stage: string, dir: string): Promise<void> {
  const records = RunLog.read(logPath).filter((r) => r.stage === stage);
  const steps = records.filter((r) => r.kind === 'step');
  const termNames = [...new Set(steps.flatMap((r) => Object.keys((r.terms as Record<string, number>) ?? {})))];
  await writeLineChart(join(dir, `${stage}-loss.png`), `${stage} losses`, termNames.map((name) => ({
    name,
    points: steps.map((r) => [r.iteration as number, (r.terms as Record<string, number>)[name]] as [number, number]),
  })));
  const evals = records.filter((r) => r.kind === 'eval');
  await writeLineChart(join(dir, `${stage}-miou.png`), `${stage} val mIoU`, [
    { name: 'mIoU', points: evals.map((r) => [r.iteration as number, r.miou as number] as [number, number]) },
  ]);
}
