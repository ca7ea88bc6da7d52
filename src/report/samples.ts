// The sample grids a run wrote (`<stage>-<step>.jpg` in its picture folders), linked from
// the report by their path relative to the run folder.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { TrainingLog } from './run-logs.js';
import type { SampleGrid } from './types.js';

const GRID = /^(warm-up|self-train)-(\d+)\.(jpg|jpeg|png)$/;

export function findSampleGrids(runDir: string, training: TrainingLog[]): SampleGrid[] {
  const root = resolve(runDir);
  // The run folder's own images/ and images/roundN/ (as the demo and the pipeline leave them);
  // without one, where the training logs say their pictures went (relative to where the run
  // was started, which may not be here).
  const dirs = new Map<string, number | null>();
  const images = join(root, 'images');
  if (existsSync(images)) {
    dirs.set(images, null);
    for (const f of readdirSync(images)) {
      const m = /^round(\d+)$/.exec(f);
      if (m) dirs.set(join(images, f), Number(m[1]));
    }
  } else {
    for (const t of training) {
      const start = t.records.find((r) => r.kind === 'start' && typeof r.genImgDir === 'string');
      if (start && !dirs.has(resolve(start.genImgDir as string))) dirs.set(resolve(start.genImgDir as string), t.round);
    }
  }
  // A grid older than its stage's first logged start is an earlier run's (a fresh run keeps the folder).
  const startedAt = new Map<string, number>();
  for (const t of training) {
    const first = t.records.find((r) => r.kind === 'start' && typeof r.time === 'string');
    if (first) startedAt.set(`${t.stage}/${t.round}`, Date.parse(first.time as string));
  }
  const grids: SampleGrid[] = [];
  for (const [dir, round] of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = GRID.exec(f);
      if (!m) continue;
      const since = startedAt.get(`${m[1]}/${m[1] === 'warm-up' ? null : round}`);
      if (since !== undefined && statSync(join(dir, f)).mtimeMs < since - 1000) continue;
      grids.push({ file: relative(root, join(dir, f)).split(sep).join('/'), stage: m[1], round, step: Number(m[2]) });
    }
  }
  const order = (g: SampleGrid) => (g.stage === 'warm-up' ? 0 : 1 + (g.round ?? 0));
  return grids.sort((a, b) => order(a) - order(b) || a.step - b.step);
}
