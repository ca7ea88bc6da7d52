// The sample grids a run wrote (`<stage>-<step>.jpg` in its picture folders), linked from
// the report by their path relative to the run folder.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { TrainingLog } from './run-logs.js';
import type { SampleGrid } from './types.js';

const GRID = /^(warm-up|self-train)-(\d+)\.(jpg|jpeg|png)$/;

export function findSampleGrids(runDir: string, training: TrainingLog[]): SampleGrid[] {
  const root = resolve(runDir);
  // Where the training logs say their pictures went (relative to where the run was started,
  // which may not be here), and the run folder's own images/ and images/roundN/.
  const dirs = new Map<string, number | null>();
  for (const t of training) {
    const start = t.records.find((r) => r.kind === 'start' && typeof r.genImgDir === 'string');
    if (start) dirs.set(resolve(start.genImgDir as string), t.round);
  }
  const images = join(root, 'images');
  if (!dirs.has(images)) dirs.set(images, null);
  if (existsSync(images)) {
    for (const f of readdirSync(images)) {
      const m = /^round(\d+)$/.exec(f);
      if (m && !dirs.has(join(images, f))) dirs.set(join(images, f), Number(m[1]));
    }
  }
  const grids: SampleGrid[] = [];
  for (const [dir, round] of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = GRID.exec(f);
      if (!m) continue;
      grids.push({ file: relative(root, join(dir, f)).split(sep).join('/'), stage: m[1], round, step: Number(m[2]) });
    }
  }
  const order = (g: SampleGrid) => (g.stage === 'warm-up' ? 0 : 1 + (g.round ?? 0));
  return grids.sort((a, b) => order(a) - order(b) || a.step - b.step);
}
