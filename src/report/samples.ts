// The sample grids a run wrote (`<stage>-<step>.jpg` in its picture folders), found by their
// path relative to the run folder and linked from the report relative to the page's own folder.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path, { join, relative, resolve, sep, type PlatformPath } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** How a page links a sample grid: `relative` is false where it had to use an absolute URL. */
export interface SampleLink {
  href: string;
  relative: boolean;
}

/**
 * The link to the grid `file` (relative to `runDir`, as SampleGrid.file) from a page written
 * into `pageDir`: a URL relative to that folder, so the page may be written anywhere. Where no
 * relative path leads from one to the other (another drive or a network share on Windows),
 * the grid's absolute file: URL, which works only while the run stays where it is. `paths`
 * is node:path, or path.win32 to check Windows' paths on any system.
 */
export function sampleLink(runDir: string, pageDir: string, file: string, paths: PlatformPath = path): SampleLink {
  const target = paths.resolve(runDir, ...file.split('/'));
  const rel = paths.relative(paths.resolve(pageDir), target);
  if (paths.isAbsolute(rel)) return { href: pathToFileURL(target, { windows: paths.sep === '\\' }).href, relative: false };
  // Each segment escaped on its own: a name holding '#', '?' or a leading 'x:' must stay a path.
  return { href: rel.split(paths.sep).map(encodeURIComponent).join('/'), relative: true };
}
