// Shared pieces of the fault suite: a tiny generated dataset, a run config with every
// output under one folder, and the `diga` command run as a user runs it (a child process).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { demoLists } from '../../src/config/defaults.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { runFolders } from '../helpers.js';

export const haveBuild = existsSync('dist/index.js');
const bin = resolve('bin/diga.js');

/**
 * A test file's folder and tiny generated dataset, made before its tests and removed after:
 * `files.root`, `files.data` (set once beforeAll has run).
 */
export function faultFiles(name: string): { root: string; data: string } {
  const files = { root: mkdtempSync(join(tmpdir(), `diga-fault-${name}-`)), data: '' };
  beforeAll(async () => {
    if (haveBuild) files.data = await tinyData(files.root);
  });
  afterAll(() => rmSync(files.root, { recursive: true, force: true }));
  return files;
}

/**
 * faultFiles plus what a predict test needs: random tiny weights (`<root>/student.safetensors`)
 * and one generated val image; both filled in before the tests run.
 */
export function predictFiles(name: string): { root: string; data: string; weights: string; image: string } {
  const base = faultFiles(name);
  const files = { ...base, weights: '', image: '' };
  beforeAll(() => {
    if (!haveBuild) return;
    files.data = base.data; // made by faultFiles' own beforeAll, which runs first
    files.weights = join(files.root, 'student.safetensors');
    const model = new SegModel('tiny');
    saveWeights(files.root, 'student', model);
    model.dispose();
    files.image = join(files.data, 'leftImg8bit', 'val', 'westholm', 'westholm_000000_000019_leftImg8bit.png');
  });
  return files;
}

export async function tinyData(root: string): Promise<string> {
  const data = join(root, 'data');
  await generateDataset({ out: data, train: 16, val: 4, height: 64, width: 128, seed: 5, labelledFraction: 0.125, workers: 0 });
  return data;
}

/** A config file for a tiny run with its outputs in `<root>/<name>/`; returns the file and the folders. */
export function runConfig(root: string, data: string, name: string, extra: Record<string, unknown> = {}) {
  const work = join(root, name);
  mkdirSync(work, { recursive: true });
  const dirs = runFolders(work);
  const file = join(work, 'run.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...demoLists(data), ...dirs,
      model: 'tiny', cropSize: [32, 64], fullSize: [64, 128], evalScales: [[64, 128], [32, 64]],
      steps: 4, evalEvery: 2, checkpointEvery: 2, logEvery: 1, imageEvery: 0, loaderConcurrency: 2, threads: 1,
      ...extra,
    }),
  );
  return { file, ...dirs };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Starts `diga <args>`; `done` resolves when it exits. */
export function startDiga(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Finished>((res) => child.on('exit', (code, signal) => res({ code, signal, out, err })));
  return { child, done, output: () => out + err };
}

export function diga(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startDiga(args, env).done;
}

export function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Resolves once `check()` is true, polling; fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 60_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The processes whose command line contains `marker` (this test's unique folder), from /proc. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
