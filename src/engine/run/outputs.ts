// What a run may do to a folder that already holds results. A fresh training run never
// silently replaces another run's state or best weights: it is refused (offering --resume
// or --overwrite), unless it starts from those very weights (self-training with
// --load-weight-dir = --save-weight-dir, as the published refined round does), in which
// case they are moved into a `replaced-<time>/` folder first. Temp files of atomic writes
// whose process died (kill -9 mid-checkpoint) are removed when a run starts.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processAlive } from './folder-lock.js';
import { readTrainStateRecord } from '../train-state.js';

/** The files that make a weight folder hold a run's results. */
const RUN_FILES = ['state.safetensors', 'student.safetensors', 'teacher.safetensors', 'student.pth', 'teacher.pth', 'student.pt', 'teacher.pt'];

export function runFilesIn(dir: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(dir, f)));
}

function describeRun(dir: string, files: string[]): string {
  if (!files.includes('state.safetensors')) return `best weights (${files.join(', ')})`;
  try {
    const r = readTrainStateRecord(join(dir, 'state.safetensors'));
    const steps = typeof r.config?.steps === 'number' ? ` of ${r.config.steps}` : '';
    const best = r.bestMiou === null ? '' : `, best val mIoU ${(r.bestMiou * 100).toFixed(2)} at step ${r.bestIteration}`;
    return `a ${r.stage} run (state at step ${r.iteration}${steps}${best})`;
  } catch {
    return `a run (${files.join(', ')})`;
  }
}

export interface FreshRunOptions {
  dir: string;
  /** --overwrite: the previous run's files are deleted first. */
  overwrite: boolean;
  /** The run starts from the weights in this same folder: they are kept aside instead. */
  startsFromSameFolder?: boolean;
  say?: (line: string) => void;
}

/** Refuses (or, as asked, clears) a folder that holds a previous run, before a fresh run writes there. */
export function prepareFreshRun(o: FreshRunOptions): void {
  const files = runFilesIn(o.dir);
  if (files.length === 0) return;
  const what = describeRun(o.dir, files);
  const say = o.say ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (o.overwrite) {
    for (const f of files) rmSync(join(o.dir, f), { force: true });
    say(`--overwrite: removed ${what} from ${o.dir}`);
    return;
  }
  if (o.startsFromSameFolder) {
    const aside = join(o.dir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(aside, { recursive: true });
    for (const f of files) renameSync(join(o.dir, f), join(aside, f));
    say(`${o.dir} held ${what}, which this run starts from; kept in ${aside}`);
    return;
  }
  throw new Error(
    `${o.dir} already holds ${what}; continue it with --resume, replace it with --overwrite, or give another folder`,
  );
}

/** True when `a` and `b` name the same folder. */
export function sameFolder(a: string, b: string): boolean {
  return resolve(a) === resolve(b);
}

const TEMP = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Removes atomic-write temp files in `dir` left by processes that are gone; returns their names. */
export function removeStaleTemps(dir: string, say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const m = TEMP.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    const file = join(dir, name);
    bytes += statSync(file).size;
    rmSync(file, { force: true });
    removed.push(name);
  }
  if (removed.length > 0) say(`diga: removed ${removed.length} unfinished write${removed.length > 1 ? 's' : ''} of a stopped run from ${dir} (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
  return removed;
}
